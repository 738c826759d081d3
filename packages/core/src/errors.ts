/**
 * Typed errors of ray-ts. Every error extends {@link RayError}, has a stable `code`,
 * typed fields and a message that says what to do next. Errors cross process
 * boundaries: the serializer turns them into plain data and {@link reviveError}
 * rebuilds an instance of the same class on the other side, so `instanceof` works
 * in the caller.
 */

/** Plain-data form of an error as it travels between processes. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: ErrorData | unknown;
  /** Own enumerable fields of the error (typed fields such as `objectId`). */
  props?: Record<string, unknown>;
}

/** Root of every ray-ts error. */
export class RayError extends Error {
  /** Stable machine-readable code, e.g. `RAY_TASK_ERROR`. */
  readonly code: string = 'RAY_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A remote task or actor method threw; `cause` is the user's original error and `stack` includes the remote stack. */
export class RayTaskError extends RayError {
  override readonly code = 'RAY_TASK_ERROR';
  /** Name of the function (or `Class.method`) that threw. */
  readonly taskName: string;
  /** Process id of the worker the task ran in. */
  readonly pid: number;
  /** The stack trace captured in the worker. */
  readonly remoteStack: string;
  constructor(taskName: string, pid: number, cause: unknown, remoteStack?: string) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${taskName} (pid=${pid}) failed: ${inner}`, { cause });
    this.taskName = taskName;
    this.pid = pid;
    this.remoteStack = remoteStack ?? (cause instanceof Error ? (cause.stack ?? '') : '');
    this.stack = `${this.name}: ${this.message}\n  --- remote stack (pid ${pid}) ---\n${this.remoteStack}`;
  }
}

/** The worker process running a task died (crash, `process.exit`, out of memory, signal) and retries ran out. */
export class WorkerCrashedError extends RayError {
  override readonly code = 'WORKER_CRASHED';
  readonly taskName: string;
  readonly exitInfo: string;
  constructor(taskName: string, exitInfo: string) {
    super(
      `The worker running ${taskName} died (${exitInfo}) and maxRetries ran out. ` +
        'Check the task for process.exit, native crashes or running out of memory, or raise maxRetries.',
    );
    this.taskName = taskName;
    this.exitInfo = exitInfo;
  }
}

/** An actor died (or was killed) and can no longer run the call. */
export class RayActorError extends RayError {
  override readonly code: string = 'ACTOR_DIED';
  readonly actorId: string;
  readonly actorName: string | undefined;
  constructor(actorId: string, reason: string, actorName?: string) {
    super(
      `Actor ${actorName ? `'${actorName}' ` : ''}(${actorId}) is dead: ${reason}. ` +
        'Set maxRestarts on the actor to restart it, or create a new one.',
    );
    this.actorId = actorId;
    this.actorName = actorName;
  }
}

/** The actor is restarting; the call was not delivered. Retry it, or set maxTaskRetries. */
export class ActorUnavailableError extends RayActorError {
  override readonly code = 'ACTOR_UNAVAILABLE';
}

/** An object's value can no longer be found or rebuilt. */
export class ObjectLostError extends RayError {
  override readonly code: string = 'OBJECT_LOST';
  readonly objectId: string;
  constructor(objectId: string, reason = 'its copy was lost and it cannot be reconstructed') {
    super(`Object ${objectId} is lost: ${reason}. Keep a reference to the ObjectRef while you need the value.`);
    this.objectId = objectId;
  }
}

/** The object was freed (its ref was released or `free()`d) before this access. */
export class ObjectFreedError extends ObjectLostError {
  override readonly code = 'OBJECT_FREED';
  constructor(objectId: string) {
    super(objectId, 'it was freed (the ref was released or the object was freed explicitly)');
  }
}

/** The object store cannot make room, even after spilling. */
export class ObjectStoreFullError extends RayError {
  override readonly code = 'OBJECT_STORE_FULL';
  readonly requested: number;
  readonly capacity: number;
  constructor(requested: number, capacity: number, detail = '') {
    super(
      `The object store cannot fit ${requested} bytes (capacity ${capacity} bytes)${detail ? `: ${detail}` : ''}. ` +
        'Raise objectStoreMemory in init(), or release refs you no longer need.',
    );
    this.requested = requested;
    this.capacity = capacity;
  }
}

/** `get` or `wait` did not finish within its timeout. */
export class GetTimeoutError extends RayError {
  override readonly code = 'GET_TIMEOUT';
  readonly timeoutMs: number;
  constructor(timeoutMs: number, pending: number) {
    super(`get() timed out after ${timeoutMs} ms with ${pending} object(s) not ready. Raise the timeout or check the tasks that make them.`);
    this.timeoutMs = timeoutMs;
  }
}

/** The task was cancelled with `cancel()`. */
export class TaskCancelledError extends RayError {
  override readonly code = 'TASK_CANCELLED';
  readonly taskName: string;
  constructor(taskName: string) {
    super(`Task ${taskName} was cancelled.`);
    this.taskName = taskName;
  }
}

/** A value could not be serialized (or deserialized) to cross processes. */
export class SerializationError extends RayError {
  override readonly code = 'SERIALIZATION_ERROR';
}

/** A worker could not find the remote function or class it was asked to run. */
export class FunctionNotFoundError extends RayError {
  override readonly code = 'FUNCTION_NOT_FOUND';
  readonly functionName: string;
  readonly moduleUrl: string;
  constructor(functionName: string, moduleUrl: string, detail = '') {
    super(
      `Worker cannot find remote '${functionName}' defined in ${moduleUrl}${detail ? ` (${detail})` : ''}. ` +
        'Declare remote functions and classes at the top level of an ES module (not inside a function or an if block), ' +
        'so a worker that imports the module defines them too.',
    );
    this.functionName = functionName;
    this.moduleUrl = moduleUrl;
  }
}

/** Driver code ran inside a worker while it imported a module for its remote definitions. */
export class DriverCodeInWorkerError extends RayError {
  override readonly code = 'DRIVER_CODE_IN_WORKER';
  constructor(moduleHint: string) {
    super(
      `init() was called while a worker imported ${moduleHint} to find remote definitions. ` +
        'Guard driver code with `if (ray.isMain(import.meta)) { ... }` (like Python\'s `if __name__ == "__main__"`), ' +
        'or move remote definitions to a module of their own.',
    );
  }
}

/** A request can never be satisfied by this cluster (more resources than any node has, unknown node). */
export class InfeasibleError extends RayError {
  override readonly code = 'INFEASIBLE';
}

/** No actor has the name asked for in getActor(). */
export class ActorNotFoundError extends RayError {
  override readonly code = 'ACTOR_NOT_FOUND';
  readonly actorName: string;
  readonly namespace: string;
  constructor(name: string, namespace: string) {
    super(`No live actor named '${name}' in namespace '${namespace}'. Check the name and namespace (getActor(name, { namespace })).`);
    this.actorName = name;
    this.namespace = namespace;
  }
}

/** A node refused the connection: wrong or missing cluster token. */
export class AuthenticationError extends RayError {
  override readonly code = 'AUTHENTICATION_FAILED';
  constructor(address: string) {
    super(
      `The node at ${address} refused the connection: wrong or missing cluster token. ` +
        'Pass init({ token }), set RAY_TS_CLUSTER_TOKEN, or run on the head machine (the token is in its session directory).',
    );
  }
}

/** ray-ts itself failed (a bug or a lost connection); the message says what broke. */
export class RaySystemError extends RayError {
  override readonly code = 'RAY_SYSTEM_ERROR';
}

/** An operation needs `init()` first, or was called after `shutdown()`. */
export class NotInitializedError extends RayError {
  override readonly code = 'NOT_INITIALIZED';
  constructor(what: string) {
    super(`${what} needs a running ray-ts: call \`await ray.init()\` first.`);
  }
}

type ErrorCtor = new (...args: never[]) => Error;
const errorClasses = new Map<string, ErrorCtor>();
for (const c of [
  RayError, RayTaskError, WorkerCrashedError, RayActorError, ActorUnavailableError, ObjectLostError, ObjectFreedError,
  ObjectStoreFullError, GetTimeoutError, TaskCancelledError, SerializationError, FunctionNotFoundError,
  DriverCodeInWorkerError, InfeasibleError, ActorNotFoundError, AuthenticationError, RaySystemError, NotInitializedError,
] as ErrorCtor[]) errorClasses.set(c.name, c);
const builtinErrors: Record<string, ErrorCtor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/** Registers an error class so that errors of this class keep their class after crossing processes. */
export function registerErrorClass(cls: ErrorCtor): void {
  errorClasses.set(cls.name, cls);
}

/** Turns an error into plain data (recursively for `cause`). */
export function errorToData(err: Error): ErrorData {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(err)) {
    if (key === 'cause' || key === 'stack' || key === 'message' || key === 'name') continue;
    props[key] = (err as unknown as Record<string, unknown>)[key];
  }
  const cause = (err as { cause?: unknown }).cause;
  return {
    name: err.name,
    message: err.message,
    stack: err.stack,
    code: typeof (err as { code?: unknown }).code === "string" ? (err as unknown as { code: string }).code : undefined,
    cause: cause instanceof Error ? errorToData(cause) : cause,
    props,
  };
}

/** Rebuilds an error of the registered (or built-in) class from its plain data; unknown classes become `Error` with the same name. */
export function reviveError(data: ErrorData): Error {
  const cls = errorClasses.get(data.name) ?? builtinErrors[data.name] ?? Error;
  const err = Object.create(cls.prototype) as Error & Record<string, unknown>;
  Object.defineProperty(err, 'message', { value: data.message, writable: true, configurable: true });
  Object.defineProperty(err, 'name', { value: data.name, writable: true, configurable: true });
  Object.defineProperty(err, 'stack', { value: data.stack ?? `${data.name}: ${data.message}`, writable: true, configurable: true });
  if (data.cause !== undefined) {
    const c = data.cause as ErrorData;
    const cause = c && typeof c === 'object' && typeof c.name === 'string' && typeof c.message === 'string' ? reviveError(c) : data.cause;
    Object.defineProperty(err, 'cause', { value: cause, writable: true, configurable: true });
  }
  for (const [k, v] of Object.entries(data.props ?? {})) {
    Object.defineProperty(err, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
  if (data.code !== undefined && !('code' in err && err.code === data.code)) {
    Object.defineProperty(err, 'code', { value: data.code, writable: true, enumerable: true, configurable: true });
  }
  return err;
}
