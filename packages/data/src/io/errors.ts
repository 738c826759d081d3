/**
 * Typed errors of the storage layer. Each extends core's `RayError`, has a stable `code`,
 * typed readonly fields (the file, the line) and a message that says what to do next.
 * The classes are registered with core so they keep their class after crossing from a
 * worker to the driver.
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of the data package's storage errors: reading or writing files failed. */
export class DataSourceError extends RayError {
  override readonly code: string = 'DATA_SOURCE_ERROR';
  /** The file (or `s3://` URL) the error is about. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/** An input path (file, directory, glob or `s3://` prefix) matched nothing or does not exist. */
export class FileNotFoundError extends DataSourceError {
  override readonly code = 'FILE_NOT_FOUND';
  constructor(path: string, detail = 'no such file or directory', options?: { cause?: unknown }) {
    super(path, `${path}: ${detail}. Check the path (and for s3:// the bucket, endpoint and credentials).`, options);
  }
}

/** A line of a text format (CSV, JSON lines) cannot be parsed, or a value does not fit its column's type. */
export class MalformedInputError extends DataSourceError {
  override readonly code = 'MALFORMED_INPUT';
  /** 1-based line number in the file. */
  readonly line: number;
  constructor(path: string, line: number, detail: string, options?: { cause?: unknown }) {
    super(path, `${path}:${line}: ${detail}`, options);
    this.line = line;
  }
}

/** A file of a dataset does not have the schema of the dataset's first file. */
export class SchemaMismatchError extends DataSourceError {
  override readonly code = 'SCHEMA_MISMATCH';
  /** The file whose schema the others must match. */
  readonly expectedFrom: string;
  constructor(path: string, expectedFrom: string, detail: string) {
    super(
      path,
      `The schema of ${path} differs from the schema of ${expectedFrom}: ${detail}. ` +
        'Read the files as separate datasets, or pass `schema` (csv/json) / `columns` to read the shared columns.',
    );
    this.expectedFrom = expectedFrom;
  }
}

/** Writing to a destination, committing or cleaning up failed. */
export class DataSinkError extends DataSourceError {
  override readonly code = 'DATA_SINK_ERROR';
}

for (const cls of [DataSourceError, FileNotFoundError, MalformedInputError, SchemaMismatchError, DataSinkError]) {
  registerErrorClass(cls);
}
