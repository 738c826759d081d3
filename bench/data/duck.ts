/**
 * DuckDB's Node API (`@duckdb/node-api`), the reference engine of the data benchmarks:
 * one in-memory instance per benchmark, queries returning plain JS rows.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** An open DuckDB connection. */
export interface Duck {
  /** Runs a statement and returns its rows as plain JS values (bigints for BIGINT, numbers for DOUBLE). */
  rows(sql: string): Promise<unknown[][]>;
  /** Runs a statement, ignoring any result. */
  run(sql: string): Promise<void>;
  /** Threads DuckDB uses. */
  threads(): Promise<number>;
  close(): void;
}

/** Opens an in-memory DuckDB (all cores, as DuckDB defaults to). */
export async function openDuck(): Promise<Duck> {
  const db = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await db.connect();
  return {
    async rows(sql) {
      return (await conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
    },
    async run(sql) {
      await conn.run(sql);
    },
    async threads() {
      return Number((await conn.runAndReadAll("SELECT current_setting('threads')")).getRowsJS()[0]![0]);
    },
    close() {
      conn.closeSync();
    },
  };
}

/** A path quoted as an SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
