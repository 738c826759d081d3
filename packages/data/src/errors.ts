/**
 * Typed errors of datasets and their execution. Each extends core's `RayError`, has a
 * stable `code`, typed readonly fields and a message that says what to do next. The
 * classes are registered with core, so an error raised in a worker keeps its class (and
 * `instanceof`) in the driver.
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of the errors raised by dataset execution. */
export class DataError extends RayError {
  override readonly code: string = 'DATA_ERROR';
}

/** Where in its input an operator failed (all fields optional: what is known). */
export interface FailureLocation {
  /** Index of the failing row within the block or batch the operator was given. */
  rowIndex?: number;
  /** Index of the failing batch within the task's input (mapBatches). */
  batchIndex?: number;
  /** The failing row or a preview of the batch, as JSON (truncated). */
  inputPreview?: string;
  /** Files the input came from. */
  inputFiles?: string[];
}

/**
 * An operator of a dataset failed: a user function threw on a row or batch, a reader or
 * writer failed, or a task died. `operator` names the operator as shown in `explain()`
 * and `stats()`, e.g. `Map(parseRow)`; `cause` is the original error.
 */
export class DataOperatorError extends DataError {
  override readonly code = 'DATA_OPERATOR_ERROR';
  /** The operator that failed, e.g. `MapBatches(Predictor)`. */
  readonly operator: string;
  /** Index of the failing row within the task's block or batch, when a row-level function threw. */
  readonly rowIndex?: number;
  /** Index of the failing batch within the task's input, for mapBatches. */
  readonly batchIndex?: number;
  /** The failing row (or a preview of the batch) as JSON, truncated. */
  readonly inputPreview?: string;
  /** Files the failing input came from. */
  readonly inputFiles?: string[];
  constructor(operator: string, cause: unknown, where: FailureLocation = {}) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const at = [
      where.rowIndex !== undefined ? `row ${where.rowIndex}` : '',
      where.batchIndex !== undefined ? `batch ${where.batchIndex}` : '',
      where.inputFiles?.length ? `of ${where.inputFiles.slice(0, 3).join(', ')}${where.inputFiles.length > 3 ? ', ...' : ''}` : '',
    ].filter(Boolean).join(' ');
    super(
      `Operator ${operator} failed${at ? ` on ${at}` : ''}: ${inner}` +
        (where.inputPreview ? `\n  input: ${where.inputPreview}` : '') +
        '\n  Fix the function (or the input data); the original error is in `cause`.',
      { cause },
    );
    this.operator = operator;
    if (where.rowIndex !== undefined) this.rowIndex = where.rowIndex;
    if (where.batchIndex !== undefined) this.batchIndex = where.batchIndex;
    if (where.inputPreview !== undefined) this.inputPreview = where.inputPreview;
    if (where.inputFiles !== undefined) this.inputFiles = where.inputFiles;
  }
}

/** A user function or class cannot be sent to workers (native, bound, or not parseable from its source). */
export class UdfShippingError extends DataError {
  override readonly code: string = 'UDF_SHIPPING';
  /** Name of the function or class. */
  readonly functionName: string;
  constructor(functionName: string, detail: string, options?: { cause?: unknown }) {
    super(
      `Cannot run '${functionName}' in a worker: ${detail}. Export the function (or class) from a module ` +
        '(workers import it from there), or make it self-contained and pass the values it needs with fnArgs / fnConstructorArgs.',
      options,
    );
    this.functionName = functionName;
  }
}

/**
 * A user function shipped as source text used a variable of the driver's scope that does
 * not exist in the worker (a closure variable or an import).
 */
export class UdfFreeVariableError extends UdfShippingError {
  override readonly code = 'UDF_FREE_VARIABLE';
  /** The variable that is not defined in the worker. */
  readonly variable: string;
  constructor(functionName: string, variable: string, options?: { cause?: unknown }) {
    super(
      functionName,
      `it uses '${variable}', which is not defined in the worker. Functions that are not exported from a module are ` +
        `rebuilt in the worker from their source text, without the variables of the scope they were written in. ` +
        `Export '${functionName}' from a module, or pass '${variable}' through fnArgs (or fnConstructorArgs for a class)`,
      options,
    );
    this.variable = variable;
  }
}

/** Writing a dataset failed; nothing was committed (temporary files were removed). */
export class DatasetWriteError extends DataError {
  override readonly code = 'DATASET_WRITE_ERROR';
  /** Name of the datasink, e.g. `WriteParquet`. */
  readonly sink: string;
  constructor(sink: string, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${sink} failed and was aborted; the destination is left as it was: ${inner}`, { cause });
    this.sink = sink;
  }
}

for (const cls of [DataError, DataOperatorError, UdfShippingError, UdfFreeVariableError, DatasetWriteError]) registerErrorClass(cls);
