/**
 * A text file in a run directory that loggers append to. Local files are appended in
 * place; S3 has no append, so on S3 the file's whole content is kept in memory and the
 * object is rewritten on every change (fine for the result sizes of a run; Ray syncs
 * its logs to S3 the same way, as whole files).
 */
import { isS3Path, type S3Options } from '@ray-ts/data';
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageNotFoundError } from '../checkpoint/errors.js';
import { fsFor, storageError } from '../storage/tree.js';

/** An appendable text file, local or on S3. */
export class RunTextFile {
  /** Content of an S3 file once opened or written (always undefined for local files). */
  private content: string | undefined;

  constructor(
    /** Local path or `s3://` URL. */
    readonly path: string,
    private readonly s3: S3Options | undefined,
  ) {}

  /** The current content, or undefined when the file does not exist. */
  async read(): Promise<string | undefined> {
    if (this.content !== undefined) return this.content;
    try {
      return Buffer.from(await fsFor(this.path, this.s3).read(this.path)).toString('utf8');
    } catch (err) {
      const e = storageError(this.path, 'read', err);
      if (e instanceof StorageNotFoundError) return undefined;
      throw e;
    }
  }

  /** Prepares for appends, keeping what the file already holds (a resumed run continues it). */
  async open(): Promise<void> {
    if (isS3Path(this.path)) this.content = (await this.read()) ?? '';
    else await fsp.mkdir(dirname(this.path), { recursive: true });
  }

  /** Appends text. */
  async append(text: string): Promise<void> {
    if (!isS3Path(this.path)) return fsp.appendFile(this.path, text, 'utf8');
    this.content = (this.content ?? '') + text;
    await this.flush();
  }

  /** Replaces the whole content. */
  async rewrite(text: string): Promise<void> {
    if (!isS3Path(this.path)) return fsp.writeFile(this.path, text, 'utf8');
    this.content = text;
    await this.flush();
  }

  private async flush(): Promise<void> {
    await fsFor(this.path, this.s3).write(this.path, [Buffer.from(this.content ?? '', 'utf8')]);
  }
}
