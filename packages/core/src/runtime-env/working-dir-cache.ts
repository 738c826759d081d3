/**
 * A node's unpacked working directories: fetched from the head's KV store by URI the
 * first time a worker needs one, unpacked under the session directory, reused after.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeModules, unpackWorkingDir, WorkingDirError } from './working-dir.js';

/** Fetches the packed bytes of a URI (from the head). */
export type FetchPackage = (uri: string) => Promise<Uint8Array | null>;

/** Working directories unpacked on one node. */
export class WorkingDirCache {
  private readonly ready = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly nodeModules = findNodeModules(fileURLToPath(new URL('.', import.meta.url)));

  constructor(private readonly root: string, private readonly fetch: FetchPackage) {}

  /** The unpacked directory when ready, else a promise of it. */
  get(uri: string): string | Promise<string> {
    const done = this.ready.get(uri);
    if (done) return done;
    let p = this.pending.get(uri);
    if (!p) {
      p = (async () => {
        const bytes = await this.fetch(uri);
        if (!bytes) throw new WorkingDirError(`The working directory ${uri} is not in the head's store (was the driver's upload lost?).`);
        const dir = await unpackWorkingDir(uri, bytes, join(this.root, 'working_dir'), this.nodeModules);
        this.ready.set(uri, dir);
        return dir;
      })().finally(() => this.pending.delete(uri));
      this.pending.set(uri, p);
    }
    return p;
  }
}
