/**
 * `get` and `wait` at a node: values of objects in the node's directory, waiting for the
 * ones not ready yet. A worker that blocks on them gives its CPU back to the scheduler
 * while it waits (Ray's blocked-worker accounting) and takes it again after.
 */
import type { WireObject } from '../transport/protocol.js';
import { GetTimeoutError, ObjectFreedError, ObjectLostError } from '../errors.js';
import type { ObjectDirectory } from './object-directory.js';
import type { Scheduler } from './scheduler.js';
import type { WorkerHandle } from './worker-pool.js';
import { errorObject } from './task-record.js';

/** An object's value, or an error object when it was freed or lost. */
export function readOrError(objects: ObjectDirectory, id: string): WireObject {
  let obj: WireObject | undefined;
  try {
    obj = objects.read(id);
  } catch (err) {
    return errorObject(err as Error);
  }
  if (obj) return obj;
  return errorObject(objects.missing(id) === 'freed' ? new ObjectFreedError(id) : new ObjectLostError(id));
}

/** Values of objects, waiting for them; missing ones come back as error objects. */
export function getObjects(objects: ObjectDirectory, scheduler: Scheduler, ids: string[], timeoutMs: number | undefined, worker?: WorkerHandle): Promise<WireObject[]> {
  const out = new Array<WireObject>(ids.length);
  let remaining = 0;
  const cancels: Array<() => void> = [];
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer) clearTimeout(timer);
      if (worker) scheduler.onUnblocked(worker);
      resolve(out);
    };
    ids.forEach((id, i) => {
      if (objects.isReady(id) || !objects.has(id)) {
        out[i] = readOrError(objects, id);
        return;
      }
      remaining++;
      cancels.push(
        objects.onReady(id, () => {
          out[i] = readOrError(objects, id);
          if (--remaining === 0) done();
        }),
      );
    });
    if (remaining === 0) {
      resolve(out);
      return;
    }
    if (worker) scheduler.onBlocked(worker);
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        for (const c of cancels) c();
        if (worker) scheduler.onUnblocked(worker);
        reject(new GetTimeoutError(timeoutMs, remaining));
      }, timeoutMs);
    }
  });
}

/**
 * Resolves with the ids ready once `numReturns` are ready or the timeout passes; with
 * `fetchLocal` false an object counts once it exists anywhere (made), not once it is here.
 */
export function waitObjects(
  objects: ObjectDirectory, scheduler: Scheduler, ids: string[], numReturns: number, timeoutMs: number | undefined, worker?: WorkerHandle, fetchLocal = true,
): Promise<string[]> {
  const ready0 = (id: string) => (fetchLocal ? objects.isReady(id) : objects.isMade(id)) || !objects.has(id);
  return new Promise((resolve) => {
    const ready = new Set<string>();
    const cancels: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      for (const c of cancels) c();
      if (worker) scheduler.onUnblocked(worker);
      resolve(ids.filter((id) => ready.has(id)).slice(0, numReturns));
    };
    for (const id of ids) {
      if (ready0(id)) ready.add(id);
    }
    if (ready.size >= numReturns || timeoutMs === 0) return finish();
    if (worker) scheduler.onBlocked(worker);
    for (const id of ids) {
      if (ready.has(id)) continue;
      const onIt = () => {
        ready.add(id);
        if (ready.size >= numReturns) finish();
      };
      if (fetchLocal) cancels.push(objects.onReady(id, onIt));
      else objects.onMade(id, () => !settled && onIt());
    }
    if (timeoutMs !== undefined) timer = setTimeout(finish, timeoutMs);
  });
}
