/** Does nothing; returns 0. The trivial task shared by our no-op remote function and the piscina peer. */
export default function noop(): number;
