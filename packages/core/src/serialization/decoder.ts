/**
 * Reads the msgpack meta written by the encoder back into a value. Every read is
 * bounds-checked and every count is checked against the bytes left, so garbage or a
 * truncated input throws a {@link SerializationError} quickly instead of hanging,
 * allocating huge arrays or crashing.
 *
 * @module
 */
import { SerializationError } from '../errors.js';
import { arrowFromIPC } from './arrow.js';
import { isKnownKind, rebuild } from './binary.js';
import { errorFromData } from './error-codec.js';
import { extensionByTag, serializerByName } from './extensions.js';
import { BinKind, MAX_DEPTH, Tag } from './format.js';
import { corrupt } from './layout.js';
import { MetaReader } from './meta-reader.js';


function enter(r: MetaReader): void {
  if (++r.depth > MAX_DEPTH) throw corrupt(`containers are nested more than ${MAX_DEPTH} levels deep`);
}

/** Decodes one value at the cursor. */
export function decodeValue(r: MetaReader): unknown {
  if (r.pos >= r.end) throw corrupt(`unexpected end of the meta at byte ${r.pos}`);
  const t = r.b[r.pos++]!;
  if (t < 0x80) return t;
  if (t >= 0xe0) return t - 0x100;
  if (t < 0x90) return readRecord(r, t & 0x0f, {});
  if (t < 0xa0) return readArray(r, t & 0x0f);
  if (t < 0xc0) return r.string(t & 0x1f);
  switch (t) {
    case 0xc0: return null;
    case 0xc2: return false;
    case 0xc3: return true;
    case 0xc4: case 0xc5: case 0xc6: {
      const n = r.uint(1 << (t - 0xc4));
      r.need(n);
      r.pos += n;
      return r.b.slice(r.pos - n, r.pos);
    }
    case 0xc7: case 0xc8: case 0xc9: return readExt(r, r.uint(1 << (t - 0xc7)));
    case 0xca: r.need(4); r.pos += 4; return r.view().getFloat32(r.pos - 4);
    case 0xcb: r.need(8); r.pos += 8; return r.view().getFloat64(r.pos - 8);
    case 0xcc: return r.uint(1);
    case 0xcd: return r.uint(2);
    case 0xce: return r.uint(4);
    case 0xcf: r.need(8); r.pos += 8; return r.view().getBigUint64(r.pos - 8);
    case 0xd0: return (r.uint(1) << 24) >> 24;
    case 0xd1: return (r.uint(2) << 16) >> 16;
    case 0xd2: return r.uint(4) | 0;
    case 0xd3: r.need(8); r.pos += 8; return r.view().getBigInt64(r.pos - 8);
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: return readExt(r, 1 << (t - 0xd4));
    case 0xd9: case 0xda: case 0xdb: return r.string(r.uint(1 << (t - 0xd9)));
    case 0xdc: case 0xdd: return readArray(r, r.uint(2 << (t - 0xdc)));
    case 0xde: case 0xdf: return readRecord(r, r.uint(2 << (t - 0xde)), {});
    default: throw corrupt(`invalid type byte 0x${t.toString(16)} at byte ${r.pos - 1}`);
  }
}

function readArray(r: MetaReader, n: number): unknown[] {
  if (n > r.end - r.pos) throw corrupt(`an array of ${n} elements is longer than the data left`);
  enter(r);
  const arr = new Array<unknown>(n);
  const b = r.b;
  for (let i = 0; i < n; i++) {
    // A hole (fixext1 HOLE) stays a hole, so sparse arrays keep their shape.
    if (b[r.pos] === 0xd4 && b[r.pos + 1] === Tag.HOLE && r.end - r.pos >= 3) r.pos += 3;
    else arr[i] = decodeValue(r);
  }
  r.depth--;
  return arr;
}

function readRecord<T extends Record<string, unknown>>(r: MetaReader, n: number, obj: T): T {
  if (n > (r.end - r.pos) / 2) throw corrupt(`an object of ${n} entries is longer than the data left`);
  enter(r);
  for (let i = 0; i < n; i++) {
    const key = decodeValue(r);
    if (typeof key !== 'string') throw corrupt(`an object key is a ${typeof key}, not a string`);
    const value = decodeValue(r);
    if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    else (obj as Record<string, unknown>)[key] = value;
  }
  r.depth--;
  return obj;
}

/** Reads a map header (fixmap, map16, map32) and returns its entry count. */
function mapCount(r: MetaReader): number {
  const t = r.uint(1);
  if (t >= 0x80 && t < 0x90) return t & 0x0f;
  if (t === 0xde || t === 0xdf) return r.uint(2 << (t - 0xde));
  throw corrupt(`expected a map at byte ${r.pos - 1}`);
}

/** Reads an array header (fixarray, array16, array32) and returns its length. */
function arrayCount(r: MetaReader): number {
  const t = r.uint(1);
  if (t >= 0x90 && t < 0xa0) return t & 0x0f;
  if (t === 0xdc || t === 0xdd) return r.uint(2 << (t - 0xdc));
  throw corrupt(`expected an array at byte ${r.pos - 1}`);
}

function readExt(r: MetaReader, len: number): unknown {
  r.need(len + 1);
  const type = r.b[r.pos++]!;
  const start = r.pos;
  const end = start + len;
  const outerEnd = r.end;
  r.end = end;
  const value = readExtBody(r, type, start, len);
  const flat = type <= Tag.BIGINT || type === Tag.BINARY || type === Tag.OUT_OF_BAND;
  if (!flat && r.pos !== end) throw corrupt(`extension ${type} at byte ${start - 1} has trailing bytes`);
  r.pos = end;
  r.end = outerEnd;
  return value;
}

function readExtBody(r: MetaReader, type: number, start: number, len: number): unknown {
  const b = r.b;
  switch (type) {
    case Tag.UNDEFINED:
    case Tag.HOLE:
      return undefined;
    case Tag.DATE:
      if (len !== 8) throw corrupt('a Date entry is not 8 bytes');
      return new Date(r.view().getFloat64(start));
    case Tag.BIGINT: {
      let text = '';
      for (let i = start; i < start + len; i++) text += String.fromCharCode(b[i]!);
      if (!/^-?[0-9a-f]+$/.test(text)) throw corrupt('a BigInt entry is not hex digits');
      return text[0] === '-' ? -BigInt(`0x${text.slice(1)}`) : BigInt(`0x${text}`);
    }
    case Tag.BINARY:
    case Tag.OUT_OF_BAND:
      return readBinary(r, type, start, len);
    case Tag.MAP: {
      const n = mapCount(r);
      if (n > (r.end - r.pos) / 2) throw corrupt(`a Map of ${n} entries is longer than the data left`);
      enter(r);
      const map = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) map.set(decodeValue(r), decodeValue(r));
      r.depth--;
      return map;
    }
    case Tag.SET: {
      const n = arrayCount(r);
      if (n > r.end - r.pos) throw corrupt(`a Set of ${n} items is longer than the data left`);
      enter(r);
      const set = new Set<unknown>();
      for (let i = 0; i < n; i++) set.add(decodeValue(r));
      r.depth--;
      return set;
    }
    case Tag.NULL_PROTO:
      return readRecord(r, mapCount(r), Object.create(null) as Record<string, unknown>);
    case Tag.REGEXP: {
      const parts = decodeValue(r) as unknown[];
      if (!Array.isArray(parts) || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') throw corrupt('a RegExp entry is malformed');
      try {
        return new RegExp(parts[0], parts[1]);
      } catch {
        throw corrupt('a RegExp entry is not a valid pattern');
      }
    }
    case Tag.ERROR:
      return errorFromData(decodeValue(r));
    case Tag.EXTENSION:
    case Tag.USER:
      return readRegistered(r, type);
    default:
      throw corrupt(`unknown extension type ${type} at byte ${start - 1}`);
  }
}

function readBinary(r: MetaReader, type: number, start: number, len: number): unknown {
  const kind = r.b[start]!;
  let src: Uint8Array;
  if (type === Tag.OUT_OF_BAND) {
    const arrow = kind === BinKind.ARROW_TABLE || kind === BinKind.ARROW_BATCH;
    if (len !== (arrow ? 9 : 5)) throw corrupt(`an out-of-band entry is ${len} bytes, not ${arrow ? 9 : 5}`);
    const index = r.view().getUint32(start + 1);
    if (index >= r.oob.length) throw corrupt(`out-of-band buffer ${index} is missing (the layout has ${r.oob.length})`);
    src = r.oob[index]!;
    if (arrow) {
      try {
        return arrowFromIPC(src, kind === BinKind.ARROW_TABLE ? 'table' : 'batch', r.view().getUint32(start + 5));
      } catch (e) {
        if (e instanceof SerializationError) throw e;
        throw new SerializationError(`Cannot deserialize: apache-arrow could not read an Arrow table (${String(e)}).`, { cause: e });
      }
    }
  } else {
    if (len < 1) throw corrupt('a binary entry has no kind byte');
    src = r.b.subarray(start + 1, start + len);
  }
  if (!isKnownKind(kind)) throw corrupt(`unknown binary kind ${kind}`);
  const value = rebuild(kind, src, type === Tag.OUT_OF_BAND);
  if (value === undefined) throw corrupt(`a binary entry of kind ${kind} has ${src.byteLength} bytes, not a whole number of elements`);
  return value;
}

function readRegistered(r: MetaReader, type: number): unknown {
  if (arrayCount(r) !== 2) throw corrupt('an extension entry is not a [key, data] pair');
  const key = decodeValue(r);
  enter(r);
  const data = decodeValue(r);
  r.depth--;
  if (type === Tag.EXTENSION) {
    const ext = typeof key === 'number' ? extensionByTag(key) : undefined;
    if (ext === undefined) {
      throw new SerializationError(
        `Cannot deserialize: the value holds a runtime object with extension tag ${String(key)}, which this process has not registered. ` +
          'Make sure both processes run the same ray-ts version.',
      );
    }
    try {
      return ext.decode(data);
    } catch (e) {
      throw new SerializationError(`Cannot deserialize: the ${ext.cls.name} extension (tag ${ext.tag}) threw ${String(e)}`, { cause: e });
    }
  }
  const s = typeof key === 'string' ? serializerByName(key) : undefined;
  if (s === undefined) {
    throw new SerializationError(
      `Cannot deserialize: the value holds an instance of a class serialized as '${String(key)}', but this process has no serializer ` +
        `of that name. Call registerSerializer(Class, { name: '${String(key)}', ... }) at the top level of the module that defines ` +
        'the class, and make sure this process imports that module (e.g. the module of the remote function) before it receives the value.',
    );
  }
  try {
    return s.deserialize(data);
  } catch (e) {
    throw new SerializationError(`Cannot deserialize: the serializer '${s.name}' threw ${String(e)}`, { cause: e });
  }
}
