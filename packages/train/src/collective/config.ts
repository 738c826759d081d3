/**
 * Settings of the collective library, each overridable by a `RAY_TS_COLLECTIVE_<NAME>`
 * environment variable (read once at load, like core's `config`).
 */

function envNumber(name: string, dflt: number): number {
  const raw = process.env[`RAY_TS_COLLECTIVE_${name}`];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`RAY_TS_COLLECTIVE_${name} must be a positive number, got '${raw}'`);
  return n;
}

/** The collective settings in force. */
export const collectiveConfig = Object.freeze({
  /** Default `timeoutMs` of every collective operation (and of joining a group). */
  defaultTimeoutMs: envNumber('TIMEOUT_MS', 10 * 60_000),
  /** How often (ms) each member tells its group's rendezvous actor it is alive. */
  heartbeatMs: envNumber('HEARTBEAT_MS', 500),
  /** A member not heard from for this long (ms) is declared dead and the group's pending operations fail. */
  memberTimeoutMs: envNumber('MEMBER_TIMEOUT_MS', 30_000),
  /** Messages at most this many bytes travel inside the rendezvous call; larger ones go through the object store. */
  inlineMaxBytes: envNumber('INLINE_MAX_BYTES', 64 * 1024),
});

/** Name of the rendezvous actor of a group. */
export function rendezvousName(groupName: string): string {
  return `ray-ts-collective:${groupName}`;
}
