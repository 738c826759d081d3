/**
 * apache-arrow `Table` and `RecordBatch` support: detection, IPC stream encoding and
 * zero-copy decoding. apache-arrow is never imported up front (it costs ~60 ms), so
 * serializing plain values does not pay for it.
 *
 * Several copies of apache-arrow can live in one process (its ESM and CJS builds are
 * distinct, a loader such as tsx makes its own, a second install in node_modules).
 * Detection works across copies (arrow's `Symbol.for` brands, then constructor name
 * plus shape). Writing needs the copy the value came from, because arrow's writer uses
 * `instanceof` internally; the serializer picks the copy whose class made the value (by prototype), among those it knows, loading one synchronously
 * with `require` when it knows none. Decoding uses the first registered copy: call
 * {@link preloadArrow} (or {@link registerArrowModule}) at startup so that decoded
 * tables are instances of the same `Table` class user code imports.
 *
 * @module
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as Arrow from 'apache-arrow';
import { SerializationError } from '../errors.js';
import { ipcMetadataDigest } from './arrow-frame.js';

/** The parts of an apache-arrow module the serializer uses. */
export interface ArrowModule {
  Table: typeof Arrow.Table;
  RecordBatch: typeof Arrow.RecordBatch;
  tableToIPC: typeof Arrow.tableToIPC;
  tableFromIPC: typeof Arrow.tableFromIPC;
}

/** Which Arrow class a value is. */
export type ArrowKind = 'table' | 'batch';

const kTable = Symbol.for('apache-arrow/Table');
const kBatch = Symbol.for('apache-arrow/RecordBatch');
const copies: ArrowModule[] = [];
let triedSyncLoad = false;

/**
 * Adds a copy of apache-arrow to those the serializer can write with, and makes it the
 * one decoded tables are built with (the last registered copy wins). Idempotent.
 *
 * @throws TypeError when `mod` does not look like apache-arrow.
 */
export function registerArrowModule(mod: ArrowModule): void {
  for (const key of ['Table', 'RecordBatch', 'tableToIPC', 'tableFromIPC'] as const) {
    if (typeof mod?.[key] !== 'function') throw new TypeError(`mod.${key} must be a function (pass the apache-arrow module)`);
  }
  const i = copies.findIndex((c) => c.Table === mod.Table);
  if (i >= 0) copies.splice(i, 1);
  copies.unshift(mod);
}

/** Imports apache-arrow the way user ES modules do and registers it (see {@link registerArrowModule}). */
export async function preloadArrow(): Promise<void> {
  registerArrowModule((await import('apache-arrow')) as unknown as ArrowModule);
}

/** Loads apache-arrow synchronously (its ESM build through `require`, else its CJS build); the copies go last. */
function loadSync(): void {
  if (triedSyncLoad) return;
  triedSyncLoad = true;
  const require = createRequire(import.meta.url);
  let cjsPath: string;
  try {
    cjsPath = require.resolve('apache-arrow');
  } catch {
    return;
  }
  for (const file of [path.join(path.dirname(cjsPath), 'Arrow.node.mjs'), cjsPath]) {
    try {
      const mod = require(file) as ArrowModule;
      if (typeof mod.tableFromIPC === 'function' && !copies.some((c) => c.Table === mod.Table)) copies.push(mod);
    } catch {
      // This Node cannot require() ES modules, or the file is missing: try the next form.
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Whether `v` is an apache-arrow Table or RecordBatch, from any copy of apache-arrow. */
export function arrowKind(v: object): ArrowKind | undefined {
  const o = v as Record<string | symbol, unknown>;
  if (o[kTable] === true) return 'table';
  if (o[kBatch] === true) return 'batch';
  for (const c of copies) {
    if (owns(c.Table, v)) return 'table';
    if (owns(c.RecordBatch, v)) return 'batch';
  }
  const name = (v.constructor as { name?: unknown } | undefined)?.name;
  if (name === 'Table' && isObject(o.schema) && Array.isArray(o.batches)) return 'table';
  if (name === 'RecordBatch' && isObject(o.schema) && isObject(o.data) && typeof o.numRows === 'number') return 'batch';
  return undefined;
}

/**
 * Whether `v` was made by this very class. Not `instanceof`: arrow's classes define
 * `Symbol.hasInstance` to accept instances of every copy, but writing a value with
 * another copy's writer silently produces a corrupt stream.
 */
function owns(cls: { prototype: object }, v: object): boolean {
  return Object.prototype.isPrototypeOf.call(cls.prototype, v);
}

function copyOf(v: object, kind: ArrowKind): ArrowModule | undefined {
  return copies.find((c) => owns(kind === 'table' ? c.Table : c.RecordBatch, v));
}

/** An Arrow IPC stream and the digest of its metadata (see `arrow-frame.ts`). */
export interface ArrowPayload {
  ipc: Uint8Array;
  digest: number;
}

/**
 * Encodes a Table (or a RecordBatch, as a one-batch table) as an Arrow IPC stream.
 *
 * @throws SerializationError when no loaded copy of apache-arrow owns the value.
 */
export function arrowToIPC(v: object, kind: ArrowKind): ArrowPayload {
  let copy = copyOf(v, kind);
  if (copy === undefined) {
    loadSync();
    copy = copyOf(v, kind);
  }
  if (copy === undefined) {
    throw new SerializationError(
      `this apache-arrow ${kind === 'table' ? 'Table' : 'RecordBatch'} comes from a copy of apache-arrow that ray-ts has not loaded ` +
        '(e.g. one made by a loader such as tsx, or a second install). Call `await preloadArrow()` from ray-ts core once at ' +
        'startup, or `registerArrowModule(arrow)` with the apache-arrow module that built the table',
    );
  }
  const table = kind === 'table' ? (v as Arrow.Table) : new copy.Table(v as Arrow.RecordBatch);
  const ipc = copy.tableToIPC(table, 'stream');
  const digest = ipcMetadataDigest(ipc);
  if (digest === undefined) throw new SerializationError('apache-arrow wrote an IPC stream whose framing ray-ts cannot read');
  return { ipc, digest };
}

/**
 * Decodes an Arrow IPC stream written by {@link arrowToIPC}, after checking its
 * metadata against `digest`. Column buffers are views into `bytes` when they are
 * 8-byte aligned in memory (arrow copies them otherwise).
 *
 * @throws SerializationError when the metadata does not match or apache-arrow cannot be loaded.
 */
export function arrowFromIPC(bytes: Uint8Array, kind: ArrowKind, digest: number): unknown {
  if (ipcMetadataDigest(bytes) !== digest) {
    throw new SerializationError('Cannot deserialize: the framing or metadata of an Arrow table is corrupt (digest mismatch); the data was overwritten or truncated.');
  }
  if (copies.length === 0) loadSync();
  const copy = copies[0];
  if (copy === undefined) throw new SerializationError('the value holds Arrow data but apache-arrow cannot be loaded; install apache-arrow');
  const table = copy.tableFromIPC(bytes);
  if (kind === 'table') return table;
  return table.batches[0] ?? new copy.RecordBatch(table.schema);
}
