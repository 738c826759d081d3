/**
 * Writing parquet with hyparquet-writer: {@link parquetDatasink} and the `parquet` writer.
 * Blocks are buffered into row groups of `rowGroupRows` rows; every column is OPTIONAL
 * (nullable), so blocks with and without nulls share one file schema.
 */
import type { Table } from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { registerWriter, type Datasink } from './datasource.js';
import { DataSinkError } from './errors.js';
import { fileDatasink, runWriteTask, type FileEncoder, type FileSinkOptions } from './file-datasink.js';
import { concatArrays, encodeTable, parquetElementOf } from './parquet-encode.js';

/** Options of {@link parquetDatasink}. */
export interface ParquetWriteOptions extends FileSinkOptions {
  /** Compression. @default 'SNAPPY' */
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
  /** Rows per row group (the unit a later read splits by). @default 131072 */
  rowGroupRows?: number;
}

/** Writes a dataset as parquet files into a directory or `s3://` prefix. */
export function parquetDatasink(path: string, options: ParquetWriteOptions = {}): Datasink {
  if (options.codec !== undefined && options.codec !== 'SNAPPY' && options.codec !== 'UNCOMPRESSED') {
    throw new TypeError("options.codec must be 'SNAPPY' or 'UNCOMPRESSED'");
  }
  if (options.rowGroupRows !== undefined && !(Number.isInteger(options.rowGroupRows) && options.rowGroupRows > 0)) {
    throw new RangeError('options.rowGroupRows must be a positive integer');
  }
  return fileDatasink({
    name: 'WriteParquet',
    kind: 'parquet',
    ext: 'parquet',
    path,
    options,
    params: { codec: options.codec ?? 'SNAPPY', rowGroupRows: options.rowGroupRows ?? 131_072 },
  });
}

/** One parquet file being written. */
class ParquetEncoder implements FileEncoder {
  private readonly bytes = new ByteWriter();
  private writer: ParquetWriter | undefined;
  private schema: SchemaElement[] | undefined;
  private signature = '';
  private pending: Table[] = [];
  private pendingRows = 0;

  constructor(
    private readonly path: string,
    private readonly codec: 'SNAPPY' | 'UNCOMPRESSED',
    private readonly rowGroupRows: number,
  ) {}

  write(block: Table): Uint8Array[] {
    const elements = block.schema.fields.map(parquetElementOf);
    const signature = JSON.stringify(elements);
    if (!this.schema) {
      this.schema = [{ name: 'root', num_children: elements.length }, ...elements];
      this.signature = signature;
      this.writer = new ParquetWriter({ writer: this.bytes, schema: this.schema as never, codec: this.codec, createdBy: 'ray-ts data' });
    } else if (signature !== this.signature) {
      throw new DataSinkError(
        this.path,
        `blocks written to one parquet file must share a schema: got [${block.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}] ` +
          `after ${this.signature}. Cast the columns to one type before writing.`,
      );
    }
    this.pending.push(block);
    this.pendingRows += block.numRows;
    if (this.pendingRows >= this.rowGroupRows) this.flushGroups();
    return this.take();
  }

  finish(): Uint8Array[] {
    this.flushGroups();
    this.writer!.finish();
    return this.take();
  }

  private flushGroups(): void {
    if (this.pendingRows === 0) return;
    const parts = this.pending.map((t) => encodeTable(t, this.schema).columnData);
    const columnData = parts[0]!.map((c, j) => ({ name: c.name, data: concatArrays(parts.map((p) => p[j]!.data)) }));
    this.writer!.write({ columnData: columnData as never, rowGroupSize: this.rowGroupRows });
    this.pending = [];
    this.pendingRows = 0;
  }

  /** The bytes encoded so far, handed over and dropped from the buffer. */
  private take(): Uint8Array[] {
    if (this.bytes.index === 0) return [];
    const chunk = this.bytes.getBytes().slice();
    this.bytes.index = 0;
    return [chunk];
  }
}

registerWriter('parquet', (blocks, params, ctx) =>
  runWriteTask(blocks, params, ctx, () => {
    const codec = (params.codec as 'SNAPPY' | 'UNCOMPRESSED' | undefined) ?? 'SNAPPY';
    return new ParquetEncoder(params.dir as string, codec, (params.rowGroupRows as number | undefined) ?? 131_072);
  }),
);
