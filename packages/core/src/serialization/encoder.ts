/**
 * Walks a value and writes its msgpack meta, moving large binaries out of band.
 * ray-ts's own encoder rather than msgpackr's: msgpackr keeps its extensions in
 * process-wide state shared with every other user of msgpackr, checks the newest
 * extension first (so a catch-all for unknown classes would shadow Date, Set, ...),
 * and writes -0 as 0. Failures name where in the value they happened (see
 * `encode-failure.ts`).
 *
 * @module
 */
import { SerializationError } from '../errors.js';
import { at, describe, fail, isEncodeFailure, keySegment, unknownClass } from './encode-failure.js';
import { type ArrowPayload, arrowKind, arrowToIPC } from './arrow.js';
import { bytesOf, viewKind } from './binary.js';
import { isErrorData, toErrorData } from './error-codec.js';
import { type ClassEntry, type EncodeContext, entryForProto } from './extensions.js';
import { BinKind, MAX_DEPTH, OUT_OF_BAND_THRESHOLD, Tag } from './format.js';
import { ByteWriter } from './writer.js';

/** Everything one encode call accumulates. */
export interface EncodeState {
  /** The meta being written. */
  w: ByteWriter;
  /** Out-of-band payloads (views of the caller's memory), created on first use. */
  buffers: Uint8Array[] | null;
  /** Contained ObjectRef ids, created on first use. */
  refs: string[] | null;
  /** Context handed to extensions, created on first use. */
  ctx: EncodeContext | null;
  /** Current container nesting. */
  depth: number;
}

/** A fresh encode state with a meta buffer of `capacity` bytes. */
export function newEncodeState(capacity?: number): EncodeState {
  return { w: new ByteWriter(capacity), buffers: null, refs: null, ctx: null, depth: 0 };
}

function enter(st: EncodeState): void {
  if (++st.depth > MAX_DEPTH) {
    throw fail(`it is nested more than ${MAX_DEPTH} levels deep; it probably contains a circular reference (values are copied as trees)`);
  }
}

/** Writes `v` into the meta of `st`. */
export function encodeValue(st: EncodeState, v: unknown): void {
  const w = st.w;
  w.ensure(16);
  switch (typeof v) {
    case 'number': w.number(v); return;
    case 'string': w.str(v); return;
    case 'boolean': w.buf[w.pos++] = v ? 0xc3 : 0xc2; return;
    case 'undefined': w.extHeader(Tag.UNDEFINED, 1); w.buf[w.pos++] = 0; return;
    case 'object':
      if (v === null) w.buf[w.pos++] = 0xc0;
      else encodeObject(st, v);
      return;
    case 'bigint': w.bigint(v, Tag.BIGINT); return;
    case 'function': {
      const what = /^class\b/.test(Function.prototype.toString.call(v)) ? 'class' : 'function';
      throw fail(`functions cannot be serialized (found ${what} ${v.name || '(anonymous)'}); pass data instead, and import code where it runs`);
    }
    default:
      throw fail(`symbols cannot be serialized (found ${String(v)}); use a string instead`);
  }
}

function encodeRecord(st: EncodeState, obj: object): void {
  enter(st);
  const keys = Object.keys(obj);
  st.w.ensure(5);
  st.w.mapHeader(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    st.w.str(key);
    try {
      encodeValue(st, (obj as Record<string, unknown>)[key]);
    } catch (e) {
      throw at(e, keySegment(key));
    }
  }
  st.depth--;
}

function encodeArray(st: EncodeState, arr: readonly unknown[]): void {
  enter(st);
  const w = st.w;
  const n = arr.length;
  w.ensure(5);
  w.arrayHeader(n);
  for (let i = 0; i < n; i++) {
    const x = arr[i];
    if (x === undefined && !(i in arr)) {
      w.ensure(3);
      w.extHeader(Tag.HOLE, 1);
      w.buf[w.pos++] = 0;
      continue;
    }
    try {
      encodeValue(st, x);
    } catch (e) {
      throw at(e, `[${i}]`);
    }
  }
  st.depth--;
}

function encodeObject(st: EncodeState, v: object): void {
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype) return encodeRecord(st, v);
  if (proto === Array.prototype) return encodeArray(st, v as unknown[]);
  const w = st.w;
  if (proto === null) {
    const mark = w.beginExt(Tag.NULL_PROTO);
    encodeRecord(st, v);
    return w.endExt(mark);
  }
  const entry = entryForProto(proto);
  if (entry !== undefined) return encodeRegistered(st, v, entry);
  if (ArrayBuffer.isView(v)) return encodeBinary(st, viewKind(v), bytesOf(v));
  if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer)) {
    return encodeBinary(st, BinKind.ARRAY_BUFFER, bytesOf(v));
  }
  if (v instanceof Date) {
    w.extHeader(Tag.DATE, 8);
    w.view.setFloat64(w.pos, v.getTime());
    w.pos += 8;
    return;
  }
  if (v instanceof Map) return encodeMap(st, v);
  if (v instanceof Set) return encodeSet(st, v);
  if (v instanceof Error) {
    enter(st);
    const mark = w.beginExt(Tag.ERROR);
    encodeErrorData(st, toErrorData(v));
    w.endExt(mark);
    st.depth--;
    return;
  }
  if (v instanceof RegExp) {
    const mark = w.beginExt(Tag.REGEXP);
    w.arrayHeader(2);
    w.str(v.source);
    w.str(v.flags);
    return w.endExt(mark);
  }
  if (Array.isArray(v)) return encodeArray(st, v);
  const kind = arrowKind(v);
  if (kind !== undefined) {
    let payload: ArrowPayload;
    try {
      payload = arrowToIPC(v, kind);
    } catch (e) {
      throw fail(e instanceof SerializationError ? e.message : `apache-arrow could not write it (${describe(e)})`, e);
    }
    return writeOutOfBand(st, kind === 'table' ? BinKind.ARROW_TABLE : BinKind.ARROW_BATCH, payload.ipc, payload.digest);
  }
  throw unknownClass(v);
}

function encodeMap(st: EncodeState, map: Map<unknown, unknown>): void {
  enter(st);
  const mark = st.w.beginExt(Tag.MAP);
  st.w.ensure(5);
  st.w.mapHeader(map.size);
  for (const [k, x] of map) {
    try {
      encodeValue(st, k);
      encodeValue(st, x);
    } catch (e) {
      throw at(e, typeof k === 'object' && k !== null ? '.get(<object key>)' : `.get(${typeof k === 'string' ? JSON.stringify(k) : String(k)})`);
    }
  }
  st.w.endExt(mark);
  st.depth--;
}

function encodeSet(st: EncodeState, set: Set<unknown>): void {
  enter(st);
  const mark = st.w.beginExt(Tag.SET);
  st.w.ensure(5);
  st.w.arrayHeader(set.size);
  for (const x of set) {
    try {
      encodeValue(st, x);
    } catch (e) {
      throw at(e, '<Set item>');
    }
  }
  st.w.endExt(mark);
  st.depth--;
}

function encodeBinary(st: EncodeState, kind: number, bytes: Uint8Array): void {
  if (bytes.byteLength >= OUT_OF_BAND_THRESHOLD) return writeOutOfBand(st, kind, bytes);
  const w = st.w;
  w.ensure(bytes.byteLength + 8);
  w.extHeader(Tag.BINARY, bytes.byteLength + 1);
  w.buf[w.pos++] = kind;
  w.buf.set(bytes, w.pos);
  w.pos += bytes.byteLength;
}

/** Writes an out-of-band reference: kind, buffer index and, for Arrow streams, the metadata digest. */
function writeOutOfBand(st: EncodeState, kind: number, bytes: Uint8Array, digest?: number): void {
  const index = (st.buffers ??= []).push(bytes) - 1;
  const w = st.w;
  w.ensure(16);
  w.extHeader(Tag.OUT_OF_BAND, digest === undefined ? 5 : 9);
  w.buf[w.pos++] = kind;
  w.view.setUint32(w.pos, index);
  w.pos += 4;
  if (digest !== undefined) {
    w.view.setUint32(w.pos, digest);
    w.pos += 4;
  }
}

function encodeRegistered(st: EncodeState, v: object, entry: ClassEntry): void {
  enter(st);
  const w = st.w;
  const mark = w.beginExt(entry.kind === 'extension' ? Tag.EXTENSION : Tag.USER);
  w.ensure(16);
  w.arrayHeader(2);
  let data: unknown;
  let label: string;
  if (entry.kind === 'extension') {
    label = entry.ext.cls.name;
    w.number(entry.ext.tag);
    st.ctx ??= { containedRefs: (st.refs ??= []) };
    try {
      data = entry.ext.encode(v, st.ctx);
    } catch (e) {
      throw fail(`the ${label} extension (tag ${entry.ext.tag}) threw ${describe(e)}`, e);
    }
  } else {
    label = entry.className;
    w.str(entry.user.name);
    try {
      data = entry.user.serialize(v);
    } catch (e) {
      throw fail(`the serializer '${entry.user.name}' of class ${label} threw ${describe(e)}`, e);
    }
  }
  try {
    encodeValue(st, data);
  } catch (e) {
    throw at(e, `<${label} data>`);
  }
  w.endExt(mark);
  st.depth--;
}

/** Writes error data; fields that cannot be serialized become a short description instead of failing the whole error. */
function encodeErrorData(st: EncodeState, d: ReturnType<typeof toErrorData>): void {
  const w = st.w;
  const props = Object.keys(d.props ?? {});
  w.ensure(8);
  w.mapHeader(6);
  w.str('name'); w.str(d.name);
  w.str('message'); w.str(d.message);
  w.str('stack'); encodeValue(st, d.stack);
  w.str('code'); encodeValue(st, d.code);
  w.str('cause');
  if (isErrorData(d.cause)) encodeErrorData(st, d.cause);
  else encodeLenient(st, d.cause);
  w.str('props');
  w.ensure(5);
  w.mapHeader(props.length);
  for (const key of props) {
    w.str(key);
    encodeLenient(st, d.props![key]);
  }
}

function encodeLenient(st: EncodeState, v: unknown): void {
  const { pos } = st.w;
  const buffers = st.buffers?.length ?? 0;
  const refs = st.refs?.length ?? 0;
  const depth = st.depth;
  try {
    encodeValue(st, v);
  } catch (e) {
    st.w.pos = pos;
    st.buffers?.splice(buffers);
    st.refs?.splice(refs);
    st.depth = depth;
    const reason = isEncodeFailure(e) ? e.message : describe(e);
    st.w.str(`[not serializable: ${reason}]`);
  }
}
