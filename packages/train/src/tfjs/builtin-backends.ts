/**
 * The backend loaders ray-ts registers out of the box, from fastest to most portable:
 * `tensorflow` (native libtensorflow via `@tensorflow/tfjs-node-gpu` or `-node`, when
 * installed), `wasm` (`@tensorflow/tfjs-backend-wasm`) and `cpu` (pure JS, always there).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendLoadContext, BackendLoader } from './backend-loader.js';

/** A loader with the priority `'auto'` ranks it by (higher is tried first). */
export interface BuiltinBackend {
  /** Registration name, also the tfjs backend name. */
  readonly name: string;
  /** Rank in `'auto'`; higher is tried first. */
  readonly priority: number;
  /** The loader. */
  readonly loader: BackendLoader;
}

/**
 * Imports a package that may not be installed. The specifier is a variable so TypeScript
 * does not require the package at compile time.
 */
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

/**
 * Loads libtensorflow bindings. With GPUs assigned to this worker, CUDA_VISIBLE_DEVICES is
 * set to them first (TensorFlow reads it once, when the bindings load) and the GPU build is
 * tried before the CPU build.
 */
const loadTensorflow: BackendLoader = async (context: BackendLoadContext) => {
  if (context.gpuIds.length > 0) {
    process.env['CUDA_VISIBLE_DEVICES'] = context.gpuIds.join(',');
    try {
      await importOptional('@tensorflow/tfjs-node-gpu');
      return 'tensorflow';
    } catch {
      // No GPU build: fall through to the CPU build of libtensorflow.
    }
  }
  await importOptional('@tensorflow/tfjs-node');
  return 'tensorflow';
};

/** Binaries the wasm backend may pick (plain, SIMD, threaded SIMD). */
const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

let wasmPathsSet = false;

/**
 * Loads the wasm backend and points it at the `.wasm` binaries next to its own entry in
 * node_modules, so it works when our code is bundled or run from another directory.
 */
const loadWasm: BackendLoader = async () => {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const initialized = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry['wasm'] !== undefined;
  if (!wasmPathsSet && !initialized) {
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    const missing = WASM_BINARIES.filter((file) => !existsSync(join(dir, file)));
    if (missing.length > 0) throw new Error(`wasm binaries missing from ${dir}: ${missing.join(', ')}`);
    wasm.setWasmPaths(dir + sep);
    wasmPathsSet = true;
  }
  return 'wasm';
};

/** The cpu backend is registered by `@tensorflow/tfjs` itself. */
const loadCpu: BackendLoader = async () => 'cpu';

/** The built-in loaders, registered by `backend.ts`. */
export const BUILTIN_BACKENDS: readonly BuiltinBackend[] = Object.freeze([
  { name: 'tensorflow', priority: 300, loader: loadTensorflow },
  { name: 'wasm', priority: 200, loader: loadWasm },
  { name: 'cpu', priority: 100, loader: loadCpu },
]);
