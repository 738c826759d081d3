/**
 * Framework setup run in each worker before the training loop (Ray Train's backend
 * configs: TorchConfig, ...). A framework is a name in a table of loaders, so a new one
 * is a new entry here, not a new branch in the worker.
 */

/** Which framework a worker sets up, with its options (plain data, sent to workers). */
export interface FrameworkSetup {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

type Loader = (options: Readonly<Record<string, unknown>>, gpuIds: readonly number[]) => Promise<void>;

const loaders: Record<string, Loader> = {
  /** TensorFlow.js: picks the backend (tfjs-node-gpu with this worker's GPUs when installed, else wasm, else cpu). */
  tfjs: async (options, gpuIds) => {
    const { useBackend } = await import('../tfjs/backend.js');
    await useBackend((options.backend as string | undefined) ?? 'auto', { gpuIds });
  },
};

/** Runs a framework's setup in this worker. */
export async function setupFramework(setup: FrameworkSetup, gpuIds: readonly number[]): Promise<void> {
  const loader = loaders[setup.name];
  if (!loader) throw new TypeError(`unknown training framework '${setup.name}' (known: ${Object.keys(loaders).join(', ')})`);
  await loader(setup.options, gpuIds);
}
