/** The sort's data steps against a plain reference (Buffer.compare on whole keys), in-process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_BYTES, RECORD_BYTES, checksumRecords, generateRecords, recordWords } from './records.js';
import { concatBlocks, sortRecords, splitByKey } from './sort-kernel.js';

/** Records sorted the slow, obvious way. */
function referenceSort(records: Uint8Array): Buffer {
  const n = records.byteLength / RECORD_BYTES;
  const list = Array.from({ length: n }, (_, i) => Buffer.from(records.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES)));
  list.sort((a, b) => Buffer.compare(a.subarray(0, KEY_BYTES), b.subarray(0, KEY_BYTES)));
  return Buffer.concat(list);
}

/** Keys equal to their neighbours in the first 4, 8 or all 10 bytes: runs the packed sort key cannot tell apart. */
function withTies(records: Uint8Array): Uint8Array {
  const out = records.slice();
  for (let i = 0; i + 3 < out.byteLength / RECORD_BYTES; i += 7) {
    const a = i * RECORD_BYTES;
    out.copyWithin(a + RECORD_BYTES, a, a + 4); // same 4 bytes
    out.copyWithin(a + 2 * RECORD_BYTES, a, a + 8); // same 8 bytes
    out.copyWithin(a + 3 * RECORD_BYTES, a, a + KEY_BYTES); // the same key
  }
  return out;
}

test('generateRecords is deterministic per (seed, partition) and its checksum is the records\' checksum', () => {
  const a = generateRecords(7, 3, 1000, 500);
  const b = generateRecords(7, 3, 1000, 500);
  assert.deepEqual(a.records, b.records);
  assert.notDeepEqual(generateRecords(7, 4, 1000, 500).records, a.records);
  assert.equal(a.checksum, checksumRecords(recordWords(a.records)));
  assert.equal(a.records[10], 0x00);
  assert.equal(a.records[11], 0x11);
  assert.equal(Buffer.from(a.records.subarray(20, 28)).readBigUInt64BE(), 1000n, 'row number, big-endian');
});

test('splitByKey puts every record in its key range, in key order across ranges', () => {
  const { records } = generateRecords(1, 0, 0, 5000);
  const blocks = splitByKey(records, 7);
  assert.equal(blocks.length, 7);
  assert.equal(blocks.reduce((s, b) => s + b.byteLength, 0), records.byteLength);
  let lastMax = -1;
  for (const b of blocks) {
    assert.ok(b.byteLength > 0);
    const prefixes = Array.from({ length: b.byteLength / RECORD_BYTES }, (_, i) => Buffer.from(b).readUInt32BE(i * RECORD_BYTES));
    assert.ok(Math.min(...prefixes) > lastMax);
    lastMax = Math.max(...prefixes);
  }
  assert.equal(checksumRecords(recordWords(concatBlocks(blocks))), checksumRecords(recordWords(records)));
});

test('sortRecords matches a whole-key reference sort, ties included', () => {
  for (const n of [0, 1, 2, 3, 1000, 40_000]) {
    const records = withTies(generateRecords(5, n, 0, n).records);
    assert.deepEqual(Buffer.from(sortRecords(records)), referenceSort(records), `${n} records`);
  }
});

test('sortRecords takes a buffer that is not 4-byte aligned', () => {
  const { records } = generateRecords(2, 0, 0, 300);
  const odd = new Uint8Array(records.byteLength + 1).subarray(1);
  odd.set(records);
  assert.deepEqual(Buffer.from(sortRecords(odd)), referenceSort(records));
});
