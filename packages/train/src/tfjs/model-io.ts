/**
 * Saves a tfjs `LayersModel` (and optionally its optimizer's state) to a local directory
 * and loads it back, bit-exactly, through tfjs's IO handler mechanism
 * (`tf.io.withSaveHandler` / `tf.io.fromMemory`). `Checkpoint.fromModel` and
 * `Checkpoint.loadModel` delegate here; remote (s3://) checkpoints are staged to a local
 * directory by `Checkpoint` first.
 *
 * Layout: `model.json` (topology + weights manifest, the tfjs format), `weights.bin`, and
 * with an optimizer `optimizer.json` + `optimizer.bin`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { TfjsModelIoError } from './errors.js';
import { encodeOptimizerState, restoreOptimizerState } from './optimizer-state.js';
import type { OptimizerStateJson } from './optimizer-state.js';

/** File names inside a model directory. */
export const MODEL_FILES = Object.freeze({
  model: 'model.json',
  weights: 'weights.bin',
  optimizer: 'optimizer.json',
  optimizerWeights: 'optimizer.bin',
});

/** Options of `saveModelToDirectory` and `loadModelFromDirectory`. */
export interface ModelIoOptions {
  /**
   * Optimizer whose state (iterations, moments) is saved with the model, or restored into
   * on load (pass a fresh optimizer of the same class and config).
   * @default undefined (the optimizer state is neither saved nor loaded)
   */
  readonly optimizer?: tf.Optimizer;
}

function resolveDir(dir: unknown): string {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError('dir must be a non-empty directory path');
  if (dir.startsWith('file://')) return fileURLToPath(dir);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) {
    throw new RangeError(`dir must be a local directory, not ${dir.split('://')[0]}:// (Checkpoint stages remote storage locally)`);
  }
  return dir;
}

function resolveOptions(options: unknown): ModelIoOptions {
  if (options === undefined) return Object.freeze({});
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { optimizer } = options as ModelIoOptions;
  if (optimizer !== undefined && !(optimizer instanceof tf.Optimizer)) {
    throw new TypeError('options.optimizer must be a tf.Optimizer');
  }
  return Object.freeze({ optimizer });
}

/** Writes `data` to `path` through a temporary file and a rename, so readers never see half a file. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new TfjsModelIoError(path, 'Could not write the file', err);
  }
}

async function readBytes(path: string): Promise<ArrayBuffer> {
  try {
    const bytes = await readFile(path);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  } catch (err) {
    throw new TfjsModelIoError(path, 'Could not read the file', err);
  }
}

async function readJson<T>(path: string): Promise<T> {
  const text = new TextDecoder().decode(await readBytes(path));
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new TfjsModelIoError(path, 'The file is not valid JSON', err);
  }
}

/** Captures the model's artifacts through an in-memory save handler. */
async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (captured === undefined) throw new TfjsModelIoError('<memory>', 'model.save() produced no artifacts');
  return captured;
}

/**
 * Saves `model` to directory `dir` (created if missing): `model.json` and `weights.bin`,
 * plus `optimizer.json`/`optimizer.bin` with `options.optimizer`'s state when given.
 * `model.json` is written last, so a directory with it is complete.
 *
 * @throws TypeError/RangeError for a bad argument; TfjsModelIoError if writing fails.
 */
export async function saveModelToDirectory(model: tf.LayersModel, dir: string, options?: ModelIoOptions): Promise<void> {
  if (!(model instanceof tf.LayersModel)) throw new TypeError('model must be a tf.LayersModel');
  const path = resolveDir(dir);
  const { optimizer } = resolveOptions(options);
  const artifacts = await modelArtifacts(model);
  const optimizerState = optimizer === undefined ? undefined : await encodeOptimizerState(optimizer);
  const { weightSpecs = [], weightData, modelTopology } = artifacts;
  if (modelTopology === undefined || modelTopology instanceof ArrayBuffer) {
    throw new TfjsModelIoError(path, 'The model has no JSON topology to save');
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    trainingConfig: artifacts.trainingConfig,
    signature: artifacts.signature,
    userDefinedMetadata: artifacts.userDefinedMetadata,
    modelInitializer: artifacts.modelInitializer,
    initializerSignature: artifacts.initializerSignature,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: weightSpecs }],
  };
  const weights = weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
  try {
    await mkdir(path, { recursive: true });
  } catch (err) {
    throw new TfjsModelIoError(path, 'Could not create the directory', err);
  }
  await writeAtomic(join(path, MODEL_FILES.weights), new Uint8Array(weights));
  if (optimizerState !== undefined) {
    await writeAtomic(join(path, MODEL_FILES.optimizerWeights), new Uint8Array(optimizerState.data));
    await writeAtomic(join(path, MODEL_FILES.optimizer), JSON.stringify({ ...optimizerState.json, weightsPath: MODEL_FILES.optimizerWeights }));
  }
  await writeAtomic(join(path, MODEL_FILES.model), JSON.stringify(modelJson));
}

/** A weights path from a manifest, kept inside the model directory. */
function weightsFile(dir: string, path: string): string {
  if (basename(path) !== path || path === '.' || path === '..') {
    throw new TfjsModelIoError(join(dir, MODEL_FILES.model), `Weights path '${path}' must be a file name in the model directory`);
  }
  return join(dir, path);
}

/**
 * Loads a model saved by `saveModelToDirectory` (or any tfjs `model.json` + weight files in
 * one directory) and, with `options.optimizer`, restores the saved optimizer state into it.
 *
 * @throws TypeError/RangeError for a bad argument; TfjsModelIoError if a file is missing,
 * malformed, or the optimizer state does not fit the optimizer.
 */
export async function loadModelFromDirectory(dir: string, options?: ModelIoOptions): Promise<tf.LayersModel> {
  const path = resolveDir(dir);
  const { optimizer } = resolveOptions(options);
  const modelPath = join(path, MODEL_FILES.model);
  const modelJson = await readJson<tf.io.ModelJSON>(modelPath);
  if (modelJson === null || typeof modelJson !== 'object' || modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
    throw new TfjsModelIoError(modelPath, 'model.json lacks modelTopology or weightsManifest');
  }
  let model: tf.LayersModel;
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest) for (const p of group.paths) buffers.push(await readBytes(weightsFile(path, p)));
      return [tf.io.getWeightSpecs(manifest), tf.io.CompositeArrayBuffer.join(buffers)];
    });
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    if (err instanceof TfjsModelIoError) throw err;
    throw new TfjsModelIoError(path, `Could not load the model: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (optimizer !== undefined) {
    const statePath = join(path, MODEL_FILES.optimizer);
    try {
      const state = await readJson<OptimizerStateJson & { weightsPath?: string }>(statePath);
      const data = await readBytes(weightsFile(path, state.weightsPath ?? MODEL_FILES.optimizerWeights));
      await restoreOptimizerState(optimizer, state, data);
    } catch (err) {
      model.dispose();
      if (err instanceof TfjsModelIoError) throw err;
      throw new TfjsModelIoError(statePath, `Could not restore the optimizer state: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
  return model;
}
