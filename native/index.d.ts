/**
 * Shared-memory segments for the ray-ts object store: files in /dev/shm mapped into
 * every process that opens them, exposed as external ArrayBuffers (no copy).
 * @packageDocumentation
 */

/** Creates `/dev/shm/<name>` of `size` bytes and maps it read-write. Fails with code `EEXIST` if it exists. `populate` pre-faults the pages. */
export function createSegment(name: string, size: number, populate?: boolean): ArrayBuffer;
/** Maps an existing segment (whole file): shared read-write if `writable`, else a private copy-on-write view (writes stay local). Fails with code `ENOENT` if it does not exist. */
export function openSegment(name: string, writable?: boolean): ArrayBuffer;
/** Removes the name; memory is freed when the last mapping is collected. Returns false if it did not exist. */
export function unlinkSegment(name: string): boolean;
/** memcpy from `src` into `dst`, split across up to `threads` threads for large copies. */
export function copy(dst: ArrayBufferView, src: ArrayBufferView, threads?: number): void;
