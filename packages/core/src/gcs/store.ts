/**
 * Where the head keeps the cluster's durable state: tables of string keys to
 * msgpack-able values (nodes, actors, named actors, jobs, placement groups, the
 * internal KV). {@link MemoryStore} keeps them in the head process; a Redis store
 * (see redis-store.ts) survives a head restart.
 */

/** Tables the head persists. */
export type GcsTable = 'actors' | 'names' | 'jobs' | 'pgs' | 'kv' | 'meta';

/** Durable table storage used by the head service. All methods are async (Redis). */
export interface GcsStore {
  /** One value, or undefined. */
  get<T>(table: GcsTable, key: string): Promise<T | undefined>;
  /** Sets a value (overwrites). */
  put(table: GcsTable, key: string, value: unknown): Promise<void>;
  /** Removes a key (no error when absent). */
  delete(table: GcsTable, key: string): Promise<void>;
  /** Every key and value of a table. */
  getAll<T>(table: GcsTable): Promise<Map<string, T>>;
  /** Closes connections. */
  close(): Promise<void>;
}

/** A store in the head's memory: state is lost when the head restarts. */
export class MemoryStore implements GcsStore {
  private readonly tables = new Map<GcsTable, Map<string, unknown>>();

  private table(t: GcsTable): Map<string, unknown> {
    let m = this.tables.get(t);
    if (!m) {
      m = new Map();
      this.tables.set(t, m);
    }
    return m;
  }

  async get<T>(table: GcsTable, key: string): Promise<T | undefined> {
    return this.table(table).get(key) as T | undefined;
  }
  async put(table: GcsTable, key: string, value: unknown): Promise<void> {
    this.table(table).set(key, value);
  }
  async delete(table: GcsTable, key: string): Promise<void> {
    this.table(table).delete(key);
  }
  async getAll<T>(table: GcsTable): Promise<Map<string, T>> {
    return new Map(this.table(table)) as Map<string, T>;
  }
  async close(): Promise<void> {}
}
