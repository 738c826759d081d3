/**
 * Identifiers. Every process gets a random prefix, so ids made anywhere are unique
 * without coordination; object ids of task returns derive from the task id.
 */
import { randomBytes } from 'node:crypto';

const processPrefix = randomBytes(6).toString('hex');
let counter = 0;

/** A new id unique across the cluster: `<process prefix><kind><counter>`. */
export function newId(kind: 't' | 'p' | 'a' | 'w' | 'j' | 'n' | 'g'): string {
  counter += 1;
  return `${processPrefix}${kind}${counter.toString(36)}`;
}

/** Object id of return value `index` of a task. */
export function returnId(taskId: string, index: number): string {
  return `${taskId}.${index}`;
}

/** Object id of item `index` yielded by a streaming task. */
export function streamItemId(taskId: string, index: number): string {
  return `${taskId}~${index}`;
}

/** Reference ids that stand for an actor handle (`ah:<actorId>`), counted like object refs. */
export const ACTOR_HANDLE_PREFIX = 'ah:';

/** The random prefix of this process's ids. */
export function processIdPrefix(): string {
  return processPrefix;
}
