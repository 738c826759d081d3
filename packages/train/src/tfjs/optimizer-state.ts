/**
 * Encodes an optimizer's state (`getWeights()`: iteration count and slots such as Adam's
 * moments) to bytes and back, so training resumes exactly where it stopped.
 */
import * as tf from '@tensorflow/tfjs';

/** Format tag written in `optimizer.json`. */
export const OPTIMIZER_STATE_FORMAT = 'ray-ts/tfjs-optimizer';

/**
 * State some tfjs optimizers keep outside `getWeights()`, as private variables. Adam
 * recomputes its running powers `beta^t` on `setWeights` with `pow`, which differs in the
 * last bits from the running product it keeps while training; saving the variables
 * themselves makes a resumed run bit-identical to an uninterrupted one.
 */
const HIDDEN_STATE: Readonly<Record<string, readonly string[]>> = { Adam: ['accBeta1', 'accBeta2'] };

/** Contents of `optimizer.json`. */
export interface OptimizerStateJson {
  /** Always `OPTIMIZER_STATE_FORMAT`. */
  readonly format: string;
  /** Format version, 1. */
  readonly version: number;
  /** The optimizer's class name, e.g. `Adam`; loading into another class fails. */
  readonly className: string;
  /** The optimizer's `getConfig()` (learning rate, betas), for reference. */
  readonly config: unknown;
  /** Original names of the `getWeights()` entries, in order. */
  readonly names: readonly string[];
  /** Names of the hidden variables saved after them (see `HIDDEN_STATE`). */
  readonly hidden: readonly string[];
  /** Specs of all saved tensors (named `w0`, `w1`, ...), in byte order of the `.bin` file. */
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
}

function hiddenVariables(optimizer: tf.Optimizer): Array<{ name: string; variable: tf.Variable }> {
  const fields = HIDDEN_STATE[optimizer.getClassName()] ?? [];
  const found: Array<{ name: string; variable: tf.Variable }> = [];
  for (const name of fields) {
    const value = (optimizer as unknown as Record<string, unknown>)[name];
    if (value instanceof tf.Variable) found.push({ name, variable: value });
  }
  return found;
}

/** Reads `optimizer`'s full state into a JSON description and one binary buffer. */
export async function encodeOptimizerState(optimizer: tf.Optimizer): Promise<{ json: OptimizerStateJson; data: ArrayBuffer }> {
  const weights = await optimizer.getWeights();
  const hidden = hiddenVariables(optimizer);
  try {
    const tensors: Array<{ name: string; tensor: tf.Tensor }> = [...weights.map((w) => w.tensor), ...hidden.map((h) => h.variable)].map((tensor, i) => ({
      name: `w${i}`,
      tensor,
    }));
    const { data, specs } = await tf.io.encodeWeights(tensors);
    const json: OptimizerStateJson = {
      format: OPTIMIZER_STATE_FORMAT,
      version: 1,
      className: optimizer.getClassName(),
      config: optimizer.getConfig(),
      names: weights.map((w) => w.name),
      hidden: hidden.map((h) => h.name),
      weightSpecs: specs,
    };
    return { json, data };
  } finally {
    // getWeights() returns the optimizer's own variables plus fresh tensors (the iteration count).
    for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
}

/**
 * Restores state written by `encodeOptimizerState` into `optimizer` (use a fresh one: tfjs
 * optimizers replace, without disposing, the slots they had).
 *
 * @throws Error with a description when the state does not fit `optimizer`; the caller wraps it.
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, json: OptimizerStateJson, data: ArrayBuffer): Promise<void> {
  if (json.format !== OPTIMIZER_STATE_FORMAT || json.version !== 1) {
    throw new Error(`unsupported optimizer state format ${String(json.format)} v${String(json.version)}`);
  }
  if (json.className !== optimizer.getClassName()) {
    throw new Error(`optimizer state is for ${json.className}, not ${optimizer.getClassName()}`);
  }
  if (json.weightSpecs.length !== json.names.length + json.hidden.length) {
    throw new Error(`optimizer state lists ${json.weightSpecs.length} tensors for ${json.names.length + json.hidden.length} names`);
  }
  const decoded = tf.io.decodeWeights(data, json.weightSpecs);
  const tensors = json.weightSpecs.map((spec) => decoded[spec.name]!);
  try {
    await optimizer.setWeights(json.names.map((name, i) => ({ name, tensor: tensors[i]! })));
    const hidden = new Map(hiddenVariables(optimizer).map((h) => [h.name, h.variable]));
    json.hidden.forEach((name, i) => {
      const variable = hidden.get(name);
      if (variable === undefined) throw new Error(`optimizer has no state variable ${name}`);
      variable.assign(tensors[json.names.length + i]!);
    });
  } finally {
    // setWeights() made variables of these; they keep their data after the tensors are disposed.
    tf.dispose(tensors);
  }
}
