/**
 * Actors: `remote(Class)` returns an ActorClass whose `.remote(...args)` starts the
 * actor in a worker process of its own and returns an ActorHandle at once. Methods are
 * called as `handle.method.remote(...args)`. Handles can be passed to tasks and actors.
 */
import { ACTOR_HANDLE_PREFIX, newId } from '../ids.js';
import { trackHolder } from '../runtime/object-ref.js';
import { registerDefinition } from '../runtime/function-registry.js';
import { ACTOR_HANDLE_TAG } from '../runtime/core-worker.js';
import { registerExtension } from '../serialization/index.js';
import type { FunctionKey } from '../transport/protocol.js';
import {
  resolveActorOptions, resolveMethodOptions, type ActorMethodOptions, type ActorOptions, type ResolvedActorOptions,
} from './options.js';
import { requireState } from './state.js';
import type { RemoteArgs, RemoteReturn } from './remote-function.js';

/** Any class. */
export type AnyClass = abstract new (...args: any[]) => any;

/** Names of the methods of T. */
export type MethodNames<T> = { [K in keyof T]: T[K] extends (...args: any[]) => any ? K : never }[keyof T] & string;

/** A method of an actor, called remotely. */
export interface ActorMethod<F extends (...args: any[]) => any> {
  /** Calls the method on the actor; returns the ref of its result at once. */
  remote(...args: RemoteArgs<Parameters<F>>): RemoteReturn<ReturnType<F>>;
  /** A copy with call options changed (numReturns). */
  options(opts: ActorMethodOptions): ActorMethod<F>;
}

/** Handle to a live actor of class instance type T. */
export type ActorHandle<T> = { readonly [K in MethodNames<T>]: T[K] extends (...args: any[]) => any ? ActorMethod<T[K]> : never } & {
  /** The actor's id. */
  readonly actorId: string;
  /** The actor's name, if it has one. */
  readonly actorName?: string;
};

/** A class made remote. */
export interface ActorClass<C extends AnyClass> {
  /** Creates the actor; returns its handle at once. */
  remote(...args: RemoteArgs<ConstructorParameters<C>>): ActorHandle<InstanceType<C>>;
  /** A copy with some options changed. */
  options(opts: ActorOptions): ActorClass<C>;
  /** The original class. */
  readonly cls: C;
  /** Where the definition lives. */
  readonly key: FunctionKey;
}

/** Method names of a class, walking its prototype chain. */
export function methodNamesOf(cls: AnyClass): string[] {
  const names = new Set<string>();
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(p, k);
      if (d && typeof d.value === 'function') names.add(k);
    }
  }
  return [...names];
}

/** Names of generator methods (their calls stream refs). */
export function generatorMethodsOf(cls: AnyClass): string[] {
  const out: string[] = [];
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      const n = Object.getOwnPropertyDescriptor(p, k)?.value?.constructor?.name;
      if (n === 'AsyncGeneratorFunction' || n === 'GeneratorFunction') out.push(k);
    }
  }
  return out;
}

/** True when the class has an async method (an async actor: calls run concurrently). */
export function hasAsyncMethods(cls: AnyClass): boolean {
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      const v = Object.getOwnPropertyDescriptor(p, k)?.value;
      const n = v?.constructor?.name;
      if (n === 'AsyncFunction' || n === 'AsyncGeneratorFunction') return true;
    }
  }
  return false;
}

interface HandleData {
  actorId: string;
  cls: FunctionKey;
  methods: string[];
  /** Methods that are generators (their calls stream by default). */
  streaming?: string[];
  name?: string;
}

const HANDLE = Symbol('rayActorHandle');

/** Target behind every actor handle proxy; its class is what the serializer recognises. */
export class ActorHandleBase {
  readonly actorId: string;
  readonly actorName?: string;
  readonly [HANDLE]: HandleData;
  constructor(data: HandleData) {
    this.actorId = data.actorId;
    this.actorName = data.name;
    this[HANDLE] = data;
  }
  /** `ActorHandle(Class, id)`. */
  toString(): string {
    return `ActorHandle(${this[HANDLE].cls.name}, ${this.actorId})`;
  }
}

/** Builds a handle from its data (also used when a handle is deserialized). */
export function makeActorHandle<T>(data: HandleData): ActorHandle<T> {
  const methods = new Set(data.methods);
  const streaming = new Set(data.streaming ?? []);
  const target = new ActorHandleBase(data) as unknown as Record<string | symbol, unknown>;
  const stubs = new Map<string, unknown>();
  type CallOpts = { numReturns: number; genBackpressure?: number; name?: string };
  const makeMethod = (method: string, o: CallOpts): unknown => ({
    remote: (...args: unknown[]) => {
      const { core } = requireState(`${data.cls.name}.${method}.remote()`);
      const out = core.submitActorTask(data.actorId, method, args, {
        name: o.name ?? `${data.cls.name}.${method}`,
        numReturns: o.numReturns,
        genBackpressure: o.numReturns < 0 ? o.genBackpressure : undefined,
        resources: {},
        maxRetries: 0,
        retryExceptions: false,
        strategy: { kind: 'DEFAULT' },
      });
      return Array.isArray(out) && o.numReturns === 1 ? out[0] : out;
    },
    options: (more: ActorMethodOptions) => {
      const r = resolveMethodOptions(more, `${data.cls.name}.${method}.options()`);
      return makeMethod(method, {
        numReturns: r.numReturns ?? o.numReturns,
        genBackpressure: 'generatorBackpressureNumObjects' in more ? r.genBackpressure : o.genBackpressure,
        name: r.name ?? o.name,
      });
    },
  });
  const handle = new Proxy(target, {
    get(t, prop) {
      if (prop in t) return t[prop];
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      let stub = stubs.get(prop);
      if (!stub) {
        if (methods.has(prop)) stub = makeMethod(prop, { numReturns: streaming.has(prop) ? -1 : 1 });
        else {
          const fail = () => {
            throw new TypeError(`Actor class ${data.cls.name} has no method '${prop}'. Its methods are: ${[...methods].join(', ') || '(none)'}.`);
          };
          stub = { remote: fail, options: fail };
        }
        stubs.set(prop, stub);
      }
      return stub;
    },
    has(t, prop) {
      return prop in t || (typeof prop === 'string' && methods.has(prop));
    },
  }) as unknown as ActorHandle<T>;
  trackHolder(handle, `${ACTOR_HANDLE_PREFIX}${data.actorId}`);
  return handle;
}

/** The data behind a handle, or undefined for other values. */
export function handleData(h: unknown): HandleData | undefined {
  return (h as Record<symbol, HandleData> | null)?.[HANDLE];
}

class ActorClassImpl<C extends AnyClass> {
  constructor(
    readonly cls: C,
    readonly key: FunctionKey,
    private readonly opts: ResolvedActorOptions,
    private readonly raw: ActorOptions,
    private readonly methods: string[],
    private readonly isAsync: boolean,
  ) {}

  remote(...args: unknown[]): unknown {
    const st = requireState(`${this.key.name}.remote()`);
    const actorId = newId('a');
    const o = this.opts;
    st.core.createActor(
      {
        actorId, cls: this.key, name: o.name, namespace: o.namespace ?? st.core.currentNamespace(), detached: o.detached,
        getIfExists: o.getIfExists, maxRestarts: o.maxRestarts, maxTaskRetries: o.maxTaskRetries,
        maxConcurrency: o.maxConcurrency ?? (this.isAsync ? 1000 : 1), resources: o.resources,
        runtimeEnv: o.runtimeEnv, strategy: o.strategy, methods: this.methods, streaming: generatorMethodsOf(this.cls),
      },
      args,
    );
    return makeActorHandle({ actorId, cls: this.key, methods: this.methods, streaming: generatorMethodsOf(this.cls), name: o.name });
  }

  options(o: ActorOptions): unknown {
    const merged = { ...this.raw, ...o };
    return new ActorClassImpl(this.cls, this.key, resolveActorOptions(merged), merged, this.methods, this.isAsync);
  }
}

/** Makes an ActorClass (called by `remote()`). */
export function makeActorClass<C extends AnyClass>(cls: C, opts: ActorOptions | undefined): ActorClass<C> {
  const raw = { ...(opts ?? {}) };
  const resolved = resolveActorOptions(raw, 'remote() options');
  const key = registerDefinition(cls, cls.name || 'AnonymousActor');
  return new ActorClassImpl(cls, key, resolved, raw, methodNamesOf(cls), hasAsyncMethods(cls)) as unknown as ActorClass<C>;
}

registerExtension<ActorHandleBase>({
  tag: ACTOR_HANDLE_TAG,
  cls: ActorHandleBase,
  encode(h) {
    const d = handleData(h)!;
    return { actorId: d.actorId, cls: d.cls, methods: d.methods, streaming: d.streaming, name: d.name };
  },
  decode(data: HandleData) {
    return makeActorHandle(data) as unknown as ActorHandleBase;
  },
});
