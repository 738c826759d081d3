/** Live data: a hook that loads, then loads again every {@link POLL_MS} while the view is shown. */
import { useEffect, useState } from 'preact/hooks';

/** Milliseconds between two loads of a view's data. */
export const POLL_MS = 1500;

/** The last answer of a poll. */
export interface Polled<T> {
  data?: T;
  /** The last load failed (the last good `data` stays). */
  error?: Error;
  /** When `data` was loaded (ms since the epoch). */
  at?: number;
}

/**
 * Calls `load` now and `everyMs` after each answer (never two at a time), until the
 * component goes or `deps` change; an in-flight load is aborted then.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], everyMs = POLL_MS): Polled<T> {
  const [state, setState] = useState<Polled<T>>({});
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const data = await load(ctrl.signal);
        if (!ctrl.signal.aborted) setState({ data, at: Date.now() });
      } catch (err) {
        if (!ctrl.signal.aborted) setState((s) => ({ ...s, error: err as Error }));
      }
      if (!ctrl.signal.aborted) timer = setTimeout(tick, everyMs);
    };
    setState({});
    void tick();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, deps);
  return state;
}
