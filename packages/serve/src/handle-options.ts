/** Options of a handle call (Ray's `handle.options(...)`), checked where they are given. */

/** Options of `handle.options(...)` and `handle.method.options(...)`. */
export interface HandleOptions {
  /** The call's result is a stream: `remote()` returns a DeploymentResponseGenerator. @default false */
  stream?: boolean;
  /** The model to use (see `serve.multiplexed`); replicas that hold it are preferred. @default undefined */
  multiplexedModelId?: string;
}

/** Handle options resolved. */
export interface ResolvedHandleOptions {
  /** Calls stream. */
  readonly stream?: boolean;
  /** The model calls ask for. */
  readonly multiplexedModelId?: string;
}

/** Validates handle options; a bad field throws TypeError naming it. */
export function resolveHandleOptions(o: HandleOptions, where: string): ResolvedHandleOptions {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError(`${where} options must be an object`);
  const out: { stream?: boolean; multiplexedModelId?: string } = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'stream') {
      if (typeof v !== 'boolean') throw new TypeError(`${where} options.stream must be a boolean`);
      out.stream = v;
    } else if (k === 'multiplexedModelId') {
      if (typeof v !== 'string' || !v) throw new TypeError(`${where} options.multiplexedModelId must be a non-empty string`);
      out.multiplexedModelId = v;
    } else throw new TypeError(`${where} options.${k} is not an option; expected stream, multiplexedModelId`);
  }
  return out;
}
