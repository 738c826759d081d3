/**
 * Driver side of block-producing tasks: reads the stream a streaming task yields
 * (metadata, then block, per output block) into {@link RefBundle}s, and turns task
 * failures into the data package's typed errors.
 */
import * as ray from '@ray-ts/core';
import { DataError, DataOperatorError } from '../errors.js';
import { SchemaMismatchError } from '../io/errors.js';
import type { BlockItem, RefBundle } from './ref-bundle.js';

/**
 * The error to surface for a failed task of operator `opName`: the data error the task
 * raised (a UDF failure, a reader error wrapped with its file) or a
 * {@link DataOperatorError} wrapping whatever else went wrong (a worker crash).
 */
export function toDataError(opName: string, err: unknown): Error {
  if (err instanceof DataError) return err;
  const cause = (err as { cause?: unknown })?.cause;
  // Data errors, and a file whose schema differs from the read's (found by the read task), come as themselves.
  if (err instanceof ray.RayTaskError && (cause instanceof DataError || cause instanceof SchemaMismatchError)) {
    if (err.remoteStack && !cause.stack?.includes('--- remote stack')) {
      cause.stack = `${cause.stack ?? ''}\n  --- remote stack (pid ${err.pid}) ---\n${err.remoteStack}`;
    }
    return cause;
  }
  if (err instanceof ray.RayTaskError && cause instanceof ray.RayError) return new DataOperatorError(opName, cause);
  return new DataOperatorError(opName, err);
}

/** Reads the bundles of one streaming block task, calling `onBundle` for each as it arrives. */
export async function consumeBlockStream(
  opName: string,
  gen: ray.ObjectRefGenerator<unknown>,
  onBundle: (b: RefBundle) => void,
): Promise<void> {
  for (;;) {
    const itemRef = await gen.nextRef();
    if (!itemRef) return;
    let item: BlockItem;
    try {
      item = (await ray.get(itemRef)) as BlockItem;
    } catch (err) {
      throw toDataError(opName, err);
    } finally {
      itemRef.release();
    }
    onBundle({ ref: item.block, meta: item.meta, owned: true });
  }
}

/** Releases the refs of bundles the executor made. */
export function releaseOwned(bundles: readonly RefBundle[]): void {
  for (const b of bundles) if (b.owned) b.ref.release();
}

/** Total rows and bytes of bundles. */
export function sizeOf(bundles: readonly RefBundle[]): { rows: number; bytes: number } {
  let rows = 0;
  let bytes = 0;
  for (const b of bundles) {
    rows += b.meta.numRows;
    bytes += b.meta.sizeBytes;
  }
  return { rows, bytes };
}
