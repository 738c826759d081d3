/**
 * Reading a job's log file in pieces, for `ray-ts job logs --follow`: each read returns
 * the text from a byte offset and the offset to ask for next.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Largest piece one read returns. */
export const LOG_CHUNK_BYTES = 1 << 20;

/**
 * Reads up to `maxBytes` of `file` from byte `offset`. Unless `final` (the writer is
 * gone), a UTF-8 character cut at the end is left for the next read, so text never
 * splits inside a character. A missing file reads as empty.
 */
export function readLogChunk(file: string, offset: number, final: boolean, maxBytes = LOG_CHUNK_BYTES): { data: string; offset: number; atEnd: boolean } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { data: '', offset, atEnd: true };
  }
  try {
    const size = fstatSync(fd).size;
    const want = Math.max(0, Math.min(size - offset, maxBytes));
    const buf = Buffer.alloc(want);
    const got = want > 0 ? readSync(fd, buf, 0, want, offset) : 0;
    const end = final ? got : completeUtf8Length(buf, got);
    return { data: buf.toString('utf8', 0, end), offset: offset + end, atEnd: offset + end >= size };
  } finally {
    closeSync(fd);
  }
}

/** Length of the longest prefix of `buf[0, n)` that does not end inside a UTF-8 character. */
export function completeUtf8Length(buf: Uint8Array, n: number): number {
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let i = n - 1; i >= Math.max(0, n - 4); i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + len <= n ? n : i;
  }
  return n; // not UTF-8 anyway: pass it on
}
