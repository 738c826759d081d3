/**
 * Shared-memory segments for the ray-ts object store: files in /dev/shm mapped into
 * every process that opens them, exposed as external ArrayBuffers (no copy).
 * @packageDocumentation
 */
declare const shm: {
  /** Creates `/dev/shm/<name>` of `size` bytes and maps it read-write. Fails with code `EEXIST` if it exists. `populate` pre-faults the pages. */
  createSegment(name: string, size: number, populate?: boolean): ArrayBuffer;
  /** Maps an existing segment (whole file): shared read-write if `writable`, else a private copy-on-write view (writes stay local). Fails with code `ENOENT` if missing. */
  openSegment(name: string, writable?: boolean): ArrayBuffer;
  /** Removes the name; memory is freed when the last mapping is collected. Returns false if it did not exist. */
  unlinkSegment(name: string): boolean;
  /** memcpy from `src` into `dst`, split across up to `threads` threads for large copies. */
  copy(dst: ArrayBufferView, src: ArrayBufferView, threads?: number): void;
};
export = shm;
