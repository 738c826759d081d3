/**
 * Checkpoint files: `algorithm_state.json` (config, counters, metrics window, algorithm
 * state) and one little-endian `.bin` file per float array (weights, optimizer slots).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors.js';

/** Name of the JSON file of a checkpoint. */
export const STATE_FILE = 'algorithm_state.json';
/** Version of the checkpoint layout. */
export const CHECKPOINT_VERSION = 1;

/** A checkpoint in memory. */
export interface CheckpointData {
  readonly state: Record<string, unknown> & { algorithm: string; checkpointVersion: number };
  readonly arrays: Readonly<Record<string, Float32Array>>;
}

/** Writes `data` into `dir` (created if needed); returns `dir`. */
export async function writeCheckpoint(dir: string, data: CheckpointData): Promise<string> {
  await mkdir(dir, { recursive: true });
  const arrays: Record<string, number> = {};
  for (const [name, a] of Object.entries(data.arrays)) {
    arrays[name] = a.length;
    await writeFile(join(dir, `${name}.bin`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  await writeFile(join(dir, STATE_FILE), JSON.stringify({ ...data.state, arrays }, null, 1));
  return dir;
}

/** Reads a checkpoint written by {@link writeCheckpoint}. @throws CheckpointError */
export async function readCheckpoint(dir: string): Promise<CheckpointData> {
  let state: CheckpointData['state'] & { arrays?: Record<string, number> };
  try {
    state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8'));
  } catch (err) {
    throw new CheckpointError(dir, `${STATE_FILE} is missing or not JSON`, { cause: err });
  }
  if (state.checkpointVersion !== CHECKPOINT_VERSION) throw new CheckpointError(dir, `unknown checkpoint version ${String(state.checkpointVersion)}`);
  const arrays: Record<string, Float32Array> = {};
  for (const [name, length] of Object.entries(state.arrays ?? {})) {
    let buf: Buffer;
    try {
      buf = await readFile(join(dir, `${name}.bin`));
    } catch (err) {
      throw new CheckpointError(dir, `${name}.bin is missing`, { cause: err });
    }
    if (buf.byteLength !== length * 4) throw new CheckpointError(dir, `${name}.bin has ${buf.byteLength} bytes, expected ${length * 4}`);
    const copy = new Float32Array(length);
    new Uint8Array(copy.buffer).set(buf);
    arrays[name] = copy;
  }
  return { state, arrays };
}
