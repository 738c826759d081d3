/**
 * Packs named float32 tensors into one Float32Array (so one collective moves all of them)
 * and unpacks such a buffer back into tensors of the original shapes.
 */
import * as tf from '@tensorflow/tfjs';
import { TfjsUnsupportedDtypeError } from './errors.js';

/** A tensor with the name it is known by (a variable name, a weight name). */
export interface NamedTensorLike {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** Where each tensor sits in a flat buffer. */
export interface FlatLayout {
  /** One entry per tensor, in buffer order. */
  readonly entries: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly size: number }>;
  /** Elements used by the tensors (the buffer may have `extra` slots after them). */
  readonly size: number;
}

/**
 * Copies `tensors`, in the given order, into a new Float32Array with `extra` zeroed slots
 * at the end (for piggy-backing scalars on the same collective). Disposes every tensor it
 * creates; the inputs are left alone.
 *
 * @throws TfjsUnsupportedDtypeError if a tensor is not float32.
 */
export async function flattenTensors(
  tensors: readonly NamedTensorLike[],
  extra = 0,
): Promise<{ buffer: Float32Array; layout: FlatLayout }> {
  const entries: Array<FlatLayout['entries'][number]> = [];
  let size = 0;
  for (const { name, tensor } of tensors) {
    if (tensor.dtype !== 'float32') throw new TfjsUnsupportedDtypeError(name, tensor.dtype);
    entries.push({ name, shape: [...tensor.shape], offset: size, size: tensor.size });
    size += tensor.size;
  }
  const buffer = new Float32Array(size + extra);
  if (tensors.length > 0) {
    const flat = tf.tidy(() => tf.concat(tensors.map(({ tensor }) => tensor.reshape([-1]))));
    try {
      // Copy: some backends hand out their own storage from data().
      buffer.set(await flat.data<'float32'>());
    } finally {
      flat.dispose();
    }
  }
  return { buffer, layout: { entries, size } };
}

/** Creates one tensor per layout entry from `buffer` (copied, so the buffer may be reused). The caller owns them. */
export function unflattenTensors(buffer: Float32Array, layout: FlatLayout): tf.Tensor[] {
  return layout.entries.map(({ shape, offset, size }) =>
    tf.tensor(buffer.slice(offset, offset + size), [...shape], 'float32'),
  );
}
