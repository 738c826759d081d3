/**
 * Bounds-checked cursor over the meta of one layout: every read checks the bytes left
 * and throws a SerializationError (via `corrupt`) instead of reading past the
 * end.
 *
 * @module
 */
import { corrupt } from './layout.js';

/** Node's `Buffer.prototype.utf8Slice` works on any Uint8Array and beats TextDecoder for short strings. */
type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;
const utf8Slice = (globalThis.Buffer?.prototype as unknown as { utf8Slice?: Utf8Slice } | undefined)?.utf8Slice;
const textDecoder = new TextDecoder();

function utf8(b: Uint8Array, start: number, end: number): string {
  return utf8Slice !== undefined ? utf8Slice.call(b, start, end) : textDecoder.decode(b.subarray(start, end));
}

/** Cursor over the meta of one layout. */
export class MetaReader {
  /** Next byte to read. */
  pos: number;
  /** One past the last byte the current value may use. */
  end: number;
  /** Current container nesting. */
  depth = 0;
  private dv: DataView | null = null;

  constructor(
    /** The whole input. */
    readonly b: Uint8Array,
    start: number,
    end: number,
    /** Out-of-band buffers of the layout, as views of the input. */
    readonly oob: readonly Uint8Array[],
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Big-endian view over the input (created on first use). */
  view(): DataView {
    return (this.dv ??= new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength));
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number): void {
    if (this.end - this.pos < n) throw corrupt(`unexpected end of the meta at byte ${this.pos}`);
  }

  /** Reads a UTF-8 string of `n` bytes (short ASCII strings by hand, the rest natively). */
  string(n: number): string {
    this.need(n);
    const b = this.b;
    const start = this.pos;
    this.pos += n;
    if (n < 24) {
      let s = '';
      for (let i = start; i < start + n; i++) {
        const c = b[i]!;
        if (c >= 0x80) return utf8(b, start, start + n);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8(b, start, start + n);
  }

  /** Reads an unsigned big-endian integer of 1, 2 or 4 bytes. */
  uint(size: number): number {
    this.need(size);
    const b = this.b;
    const p = this.pos;
    this.pos += size;
    if (size === 1) return b[p]!;
    if (size === 2) return (b[p]! << 8) | b[p + 1]!;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }
}
