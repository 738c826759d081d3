/**
 * Run storage of Train: {@link RunStorage} (Ray's `StorageContext`) over the local / S3
 * file systems of `@ray-ts/data`.
 */
export { RunStorage, checkpointDirName, type RunStorageData } from './run-storage.js';
export { resolveStorageOptions, type StorageOptions, type ResolvedStorageOptions } from './storage-options.js';
export { copyTree, listTree, type TreeFile } from './tree.js';
