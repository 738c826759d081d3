/**
 * A growable byte buffer that writes msgpack primitives (big-endian, as msgpack
 * requires). Hot paths call {@link ByteWriter.ensure} once per value and then write
 * fixed-size items without further bounds checks.
 *
 * @module
 */

const MAX_REUSED_CAPACITY = 1 << 20;
const textEncoder = new TextEncoder();
type Utf8Write = (this: Uint8Array, s: string, offset: number, max: number) => number;
/** Node's `Buffer.prototype.utf8Write` works on any Uint8Array and is faster than `TextEncoder.encodeInto`. */
const utf8Write = (globalThis.Buffer?.prototype as unknown as { utf8Write?: Utf8Write } | undefined)?.utf8Write;

/** Growable msgpack output buffer. */
export class ByteWriter {
  /** The output bytes; only `[0, pos)` is meaningful. */
  buf: Uint8Array;
  /** Big-endian view over {@link ByteWriter.buf}. */
  view: DataView;
  /** Next byte to write. */
  pos = 0;

  constructor(capacity = 8192) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
  }

  private grow(needed: number): void {
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Forgets the content; drops a buffer that grew very large so it is not kept forever. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > MAX_REUSED_CAPACITY) {
      this.buf = new Uint8Array(8192);
      this.view = new DataView(this.buf.buffer);
    }
  }

  /** Writes a JS number: the smallest msgpack int when it is an int32/uint32 (and not -0), else float64. */
  number(v: number): void {
    const b = this.buf;
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
      if (v >= 0) {
        if (v < 0x80) b[this.pos++] = v;
        else if (v < 0x100) { b[this.pos++] = 0xcc; b[this.pos++] = v; }
        else if (v < 0x10000) { b[this.pos++] = 0xcd; this.view.setUint16(this.pos, v); this.pos += 2; }
        else { b[this.pos++] = 0xce; this.view.setUint32(this.pos, v); this.pos += 4; }
      } else if (v >= -32) b[this.pos++] = v & 0xff;
      else if (v >= -0x80) { b[this.pos++] = 0xd0; b[this.pos++] = v & 0xff; }
      else if (v >= -0x8000) { b[this.pos++] = 0xd1; this.view.setInt16(this.pos, v); this.pos += 2; }
      else { b[this.pos++] = 0xd2; this.view.setInt32(this.pos, v); this.pos += 4; }
    } else if (v >>> 0 === v && v !== 0) {
      b[this.pos++] = 0xce;
      this.view.setUint32(this.pos, v);
      this.pos += 4;
    } else {
      b[this.pos++] = 0xcb;
      this.view.setFloat64(this.pos, v);
      this.pos += 8;
    }
  }

  /** Writes a BigInt as int64/uint64, or as the BIGINT extension (hex digits) when it needs more than 64 bits. */
  bigint(v: bigint, bigTag: number): void {
    if (v >= -0x8000000000000000n && v < 0x8000000000000000n) {
      this.buf[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, v);
      this.pos += 8;
    } else if (v > 0n && v < 0x10000000000000000n) {
      this.buf[this.pos++] = 0xcf;
      this.view.setBigUint64(this.pos, v);
      this.pos += 8;
    } else {
      const text = v < 0n ? `-${(-v).toString(16)}` : v.toString(16);
      this.ensure(text.length + 6);
      this.extHeader(bigTag, text.length);
      for (let i = 0; i < text.length; i++) this.buf[this.pos++] = text.charCodeAt(i);
    }
  }

  /** Writes a msgpack str (UTF-8; lone surrogates become U+FFFD). */
  str(s: string): void {
    const n = s.length;
    this.ensure(n * 3 + 5);
    const b = this.buf;
    if (n < 32) {
      // Short strings: encode by hand into the fixstr slot, which is the common case.
      const start = this.pos + 1;
      let p = start;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) b[p++] = c;
        else { p = -1; break; }
      }
      if (p >= 0) {
        b[this.pos] = 0xa0 | (p - start);
        this.pos = p;
        return;
      }
    }
    // Reserve the largest header (5 bytes), encode, then move the bytes if a smaller header fits.
    const start = this.pos + 5;
    const len = utf8Write !== undefined
      ? utf8Write.call(b, s, start, b.length - start)
      : textEncoder.encodeInto(s, b.subarray(start)).written;
    let header: number;
    if (len < 32) { b[this.pos] = 0xa0 | len; header = 1; }
    else if (len < 0x100) { b[this.pos] = 0xd9; b[this.pos + 1] = len; header = 2; }
    else if (len < 0x10000) { b[this.pos] = 0xda; this.view.setUint16(this.pos + 1, len); header = 3; }
    else { b[this.pos] = 0xdb; this.view.setUint32(this.pos + 1, len); header = 5; }
    if (header < 5) b.copyWithin(this.pos + header, start, start + len);
    this.pos += header + len;
  }

  /** Writes an array header for `n` elements. */
  arrayHeader(n: number): void {
    if (n < 16) this.buf[this.pos++] = 0x90 | n;
    else if (n < 0x10000) { this.buf[this.pos++] = 0xdc; this.view.setUint16(this.pos, n); this.pos += 2; }
    else { this.buf[this.pos++] = 0xdd; this.view.setUint32(this.pos, n); this.pos += 4; }
  }

  /** Writes a map header for `n` key/value pairs. */
  mapHeader(n: number): void {
    if (n < 16) this.buf[this.pos++] = 0x80 | n;
    else if (n < 0x10000) { this.buf[this.pos++] = 0xde; this.view.setUint16(this.pos, n); this.pos += 2; }
    else { this.buf[this.pos++] = 0xdf; this.view.setUint32(this.pos, n); this.pos += 4; }
  }

  /** Writes the header of an extension of type `type` whose payload has `len` bytes (fixext when possible). */
  extHeader(type: number, len: number): void {
    const b = this.buf;
    switch (len) {
      case 1: b[this.pos++] = 0xd4; break;
      case 2: b[this.pos++] = 0xd5; break;
      case 4: b[this.pos++] = 0xd6; break;
      case 8: b[this.pos++] = 0xd7; break;
      case 16: b[this.pos++] = 0xd8; break;
      default:
        if (len < 0x100) { b[this.pos++] = 0xc7; b[this.pos++] = len; }
        else if (len < 0x10000) { b[this.pos++] = 0xc8; this.view.setUint16(this.pos, len); this.pos += 2; }
        else { b[this.pos++] = 0xc9; this.view.setUint32(this.pos, len); this.pos += 4; }
    }
    b[this.pos++] = type;
  }

  /** Starts an ext32 whose payload length is not known yet; returns a mark for {@link ByteWriter.endExt}. */
  beginExt(type: number): number {
    this.ensure(6);
    const mark = this.pos + 1;
    this.buf[this.pos] = 0xc9;
    this.buf[this.pos + 5] = type;
    this.pos += 6;
    return mark;
  }

  /** Finishes an ext32 started with {@link ByteWriter.beginExt} by filling in its length. */
  endExt(mark: number): void {
    this.view.setUint32(mark, this.pos - mark - 5);
  }

  /** Appends raw bytes. */
  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
}
