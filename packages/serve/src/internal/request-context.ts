/**
 * The context of the call a replica is running (Ray's `_serve_request_context`): read by
 * `serve.getMultiplexedModelId()`. Kept in AsyncLocalStorage so concurrent calls of an
 * async replica each see their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-call data sent with a request by the caller's handle. */
export interface CallMeta {
  /** The model the caller asked for (`serve_multiplexed_model_id` header or handle option). */
  multiplexedModelId?: string;
}

const storage = new AsyncLocalStorage<CallMeta>();

/** Runs `f` with `meta` as the current call's context. */
export function runInCallContext<T>(meta: CallMeta | undefined, f: () => T): T {
  return storage.run(meta ?? {}, f);
}

/** The current call's context (empty outside a call). */
export function currentCallMeta(): CallMeta {
  return storage.getStore() ?? {};
}
