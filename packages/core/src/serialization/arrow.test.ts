import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, describe, it } from 'node:test';
import { RecordBatch, Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import { SerializationError } from '../errors.js';
import { ipcMetadataDigest } from './arrow-frame.js';
import { deserialize, encode, preloadArrow, registerArrowModule, serialize, writeTo } from './index.js';

function sample(n: number): Table {
  return tableFromArrays({
    x: Float64Array.from({ length: n }, (_, i) => i * 0.5),
    id: Int32Array.from({ length: n }, (_, i) => i),
    name: Array.from({ length: n }, (_, i) => `row-${i % 7}`),
  });
}

function rows(t: Table | RecordBatch): unknown[] {
  return t.toArray().map((r) => ({ ...r.toJSON() }));
}

describe('apache-arrow', () => {
  before(async () => {
    await preloadArrow();
  });

  it('round-trips a Table as the same Table class, carried out of band', () => {
    const t = sample(1000);
    const enc = encode(t);
    assert.equal(enc.buffers.length, 1);
    const back = deserialize(serialize(t)) as Table;
    assert.ok(back instanceof Table);
    assert.equal(back.numRows, 1000);
    assert.deepEqual(back.schema.fields.map((f) => f.name), ['x', 'id', 'name']);
    assert.deepEqual(rows(back), rows(t));
  });

  it('round-trips a RecordBatch as a RecordBatch, and an empty table', () => {
    const batch = sample(10).batches[0]!;
    const back = deserialize(serialize(batch)) as RecordBatch;
    assert.ok(back instanceof RecordBatch);
    assert.deepEqual(rows(back), rows(batch));
    const empty = deserialize(serialize(sample(0))) as Table;
    assert.ok(empty instanceof Table);
    assert.equal(empty.numRows, 0);
    const emptyBatch = deserialize(serialize(sample(0).batches[0] ?? new RecordBatch(sample(0).schema))) as RecordBatch;
    assert.ok(emptyBatch instanceof RecordBatch);
    assert.equal(emptyBatch.numRows, 0);
  });

  it('round-trips tables nested in other data', () => {
    const value = { meta: { epoch: 3 }, shards: [sample(5), sample(8)], weights: new Float32Array(4) };
    const back = deserialize(serialize(value)) as typeof value;
    assert.equal(back.meta.epoch, 3);
    assert.deepEqual(rows(back.shards[1]!), rows(sample(8)));
    assert.deepEqual(back.weights, new Float32Array(4));
  });

  it('decodes column data as views into the input bytes (zero-copy)', () => {
    const enc = encode(sample(4096));
    const bytes = new Uint8Array(new ArrayBuffer(enc.size + 64), 64, enc.size);
    writeTo(enc, bytes);
    const back = deserialize(bytes) as Table;
    const values = back.getChild('x')!.data[0]!.values as Float64Array;
    assert.equal(values.buffer, bytes.buffer);
    assert.equal(values[4095], 4095 * 0.5);
  });

  it('encodes a Table from a second copy of apache-arrow (its CJS build)', () => {
    const cjs = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
    assert.notEqual(cjs.Table, Table);
    const foreign = cjs.tableFromArrays({ v: Int32Array.from([1, 2, 3]) });
    // arrow's Symbol.hasInstance accepts every copy, so compare prototypes to tell them apart.
    assert.notEqual(Object.getPrototypeOf(foreign), Table.prototype);
    const back = deserialize(serialize({ t: foreign })) as { t: Table };
    assert.equal(Object.getPrototypeOf(back.t), Table.prototype, 'decoded with the preloaded (ESM) copy');
    assert.deepEqual(back.t.getChild('v')!.toArray(), Int32Array.from([1, 2, 3]));
  });

  it('rejects registering something that is not apache-arrow', () => {
    assert.throws(() => registerArrowModule({} as never), /mod\.Table must be a function/);
  });

  it('frames IPC streams: digests change with metadata, not with column data', () => {
    const ipc = tableToIPC(sample(20), 'stream');
    const digest = ipcMetadataDigest(ipc);
    assert.equal(typeof digest, 'number');
    assert.equal(ipcMetadataDigest(ipc.subarray(0, ipc.length - 1)), undefined, 'truncated stream');
    assert.equal(ipcMetadataDigest(new Uint8Array(16)), undefined, 'no continuation marker');
    const metadataFlip = ipc.slice();
    metadataFlip[20] ^= 0xff; // inside the schema message's flatbuffer
    assert.notEqual(ipcMetadataDigest(metadataFlip), digest);
  });

  it('rejects corrupt Arrow payloads with SerializationError, never crashing (seeded fuzz)', () => {
    const original = serialize(sample(50));
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    let rejected = 0;
    for (let round = 0; round < 3000; round++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) bytes[64 + Math.floor(random() * (bytes.length - 64))] = Math.floor(random() * 256);
      try {
        deserialize(bytes); // column data flips decode (to different values); metadata flips must be rejected
      } catch (e) {
        assert.ok(e instanceof SerializationError, String(e));
        rejected++;
      }
    }
    assert.ok(rejected > 0);
  });
});
