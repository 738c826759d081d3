/**
 * Picks the TensorFlow.js backend once per process: `wasm` if it loads, else `cpu`.
 * (RLlib does not depend on @ray-ts/train; this is the few lines it needs.)
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';

let chosen: Promise<string> | undefined;

async function tryWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) return false;
    wasm.setWasmPaths(dir + sep);
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * Activates the backend (once per process) and resolves to its name. `RAY_TS_RLLIB_BACKEND`
 * ('wasm' or 'cpu') forces one.
 */
export function ensureBackend(): Promise<string> {
  chosen ??= (async () => {
    const forced = process.env['RAY_TS_RLLIB_BACKEND'];
    if (forced !== 'cpu' && (await tryWasm())) {
      await tf.ready();
      return 'wasm';
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return chosen;
}
