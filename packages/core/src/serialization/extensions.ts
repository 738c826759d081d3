/**
 * Registries of classes the serializer knows beyond plain data: runtime extensions
 * (ObjectRef, ActorHandle: numeric tags, may report contained refs) and user
 * serializers (a unique name per class). Both reject duplicates. Lookup is by
 * prototype chain, so a subclass uses its nearest registered ancestor.
 *
 * @module
 */
import { SerializationError } from '../errors.js';

/** Passed to extension encoders while a value is being encoded. */
export interface EncodeContext {
  /** Ids of ObjectRefs found while encoding; an extension pushes the ids it contains. */
  containedRefs: string[];
}

/** A class constructor, abstract or not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClass<T> = abstract new (...args: any[]) => T;

/** A runtime-owned class the serializer can carry (ObjectRef = tag 1, ActorHandle = tag 2). */
export interface Extension<T> {
  /** Stable wire tag, an integer in 0..65535, unique per class. */
  tag: number;
  /** The class; instances of it and of its subclasses use this extension. */
  cls: AnyClass<T>;
  /** Returns plain serializable data for `v`; may push ObjectRef ids into `ctx.containedRefs`. */
  encode(v: T, ctx: EncodeContext): unknown;
  /** Rebuilds an instance from what {@link Extension.encode} returned. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  decode(data: any): T;
}

/** How to carry instances of a user class between processes. */
export interface UserSerializer<T> {
  /** Unique name identifying the class on the receiving side (which must register it too). */
  name: string;
  /** Returns plain serializable data for `v`. */
  serialize(v: T): unknown;
  /** Rebuilds an instance from what {@link UserSerializer.serialize} returned. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  deserialize(data: any): T;
}

/** What the encoder finds for a registered class. */
export type ClassEntry =
  | { kind: 'extension'; ext: Extension<unknown> }
  | { kind: 'user'; user: UserSerializer<unknown>; className: string };

const entriesByProto = new Map<object, ClassEntry>();
const extensionsByTag = new Map<number, Extension<unknown>>();
const usersByName = new Map<string, UserSerializer<unknown>>();

function checkClass(cls: unknown, field: string): object {
  if (typeof cls !== 'function' || typeof cls.prototype !== 'object' || cls.prototype === null) {
    throw new TypeError(`${field} must be a class`);
  }
  if (cls === Object || cls === Array) throw new TypeError(`${field} cannot be ${cls.name}: plain objects and arrays are built in`);
  const proto = cls.prototype as object;
  const existing = entriesByProto.get(proto);
  if (existing !== undefined) {
    const by = existing.kind === 'extension' ? `extension tag ${existing.ext.tag}` : `serializer '${existing.user.name}'`;
    throw new SerializationError(`Class ${cls.name} is already registered (as ${by}); register each class once, at module top level.`);
  }
  return proto;
}

function checkFunction(v: unknown, field: string): void {
  if (typeof v !== 'function') throw new TypeError(`${field} must be a function`);
}

/**
 * Registers a runtime-owned class. Throws on a duplicate tag or class.
 *
 * @throws TypeError / RangeError for malformed arguments, SerializationError for duplicates.
 */
export function registerExtension<T>(ext: Extension<T>): void {
  if (!Number.isInteger(ext.tag) || ext.tag < 0 || ext.tag > 0xffff) {
    throw new RangeError(`ext.tag must be an integer in 0..65535, got ${String(ext.tag)}`);
  }
  checkFunction(ext.encode, 'ext.encode');
  checkFunction(ext.decode, 'ext.decode');
  const proto = checkClass(ext.cls, 'ext.cls');
  const other = extensionsByTag.get(ext.tag);
  if (other !== undefined) {
    throw new SerializationError(`Extension tag ${ext.tag} is already used by class ${other.cls.name}; pick another tag for ${ext.cls.name}.`);
  }
  const entry = ext as Extension<unknown>;
  extensionsByTag.set(ext.tag, entry);
  entriesByProto.set(proto, { kind: 'extension', ext: entry });
}

/**
 * Makes instances of a user class serializable. `s.name` must be unique; the receiving
 * process must register the same name (register at module top level so workers do too).
 *
 * @throws TypeError for malformed arguments, SerializationError for a duplicate name or class.
 */
export function registerSerializer<T>(cls: AnyClass<T>, s: UserSerializer<T>): void {
  if (typeof s !== 'object' || s === null) throw new TypeError('registerSerializer(cls, s): s must be an object');
  if (typeof s.name !== 'string' || s.name.length === 0) throw new TypeError('s.name must be a non-empty string');
  checkFunction(s.serialize, 's.serialize');
  checkFunction(s.deserialize, 's.deserialize');
  const proto = checkClass(cls, 'cls');
  const other = usersByName.get(s.name);
  if (other !== undefined) {
    throw new SerializationError(`A serializer named '${s.name}' is already registered; give ${cls.name}'s serializer a unique name.`);
  }
  const entry = s as UserSerializer<unknown>;
  usersByName.set(s.name, entry);
  entriesByProto.set(proto, { kind: 'user', user: entry, className: cls.name });
}

/** The entry registered for this prototype or its nearest ancestor below Object.prototype. */
export function entryForProto(proto: object | null): ClassEntry | undefined {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const entry = entriesByProto.get(p);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

/** The extension registered under `tag`, if any. */
export function extensionByTag(tag: number): Extension<unknown> | undefined {
  return extensionsByTag.get(tag);
}

/** The user serializer registered under `name`, if any. */
export function serializerByName(name: string): UserSerializer<unknown> | undefined {
  return usersByName.get(name);
}
