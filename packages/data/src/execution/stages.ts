/**
 * Stages: the row and batch transforms that fused map operators run, one after another,
 * inside one task or actor. A {@link StageSpec} is plain data (it travels to workers);
 * {@link prepareStages} loads its user functions and constructs user classes there.
 */
import type { AggregateSpec } from '../aggregate.js';
import type { BatchFormat } from '../block/batch-format.js';
import { DataError, DataOperatorError, UdfShippingError } from '../errors.js';
import { explainUdfError, loadUdf } from '../udf/udf-loader.js';
import type { UdfSpec } from '../udf/udf-spec.js';

/** Fields of stages that run a user function. */
interface UdfStageFields {
  /** Display name, e.g. `Map(parse)`. */
  readonly name: string;
  readonly udf: UdfSpec;
  /** Extra arguments after the row or batch. */
  readonly fnArgs: readonly unknown[];
  /** Constructor arguments when `udf` is a class. */
  readonly fnConstructorArgs: readonly unknown[];
}

/** One transform of a fused map operator. Plain data. */
export type StageSpec =
  | (UdfStageFields & { readonly kind: 'map' | 'flatMap' | 'filter' })
  | (UdfStageFields & { readonly kind: 'mapBatches'; readonly batchSize: number | null; readonly batchFormat: BatchFormat })
  | (UdfStageFields & { readonly kind: 'addColumn'; readonly column: string; readonly batchFormat: BatchFormat })
  | {
      readonly kind: 'project';
      readonly name: string;
      readonly select?: readonly string[];
      readonly drop?: readonly string[];
      readonly rename?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'limit'; readonly name: string; readonly n: number }
  /** Accumulates every input block into partial aggregation states (the map side of a group-by, fused upstream). */
  | { readonly kind: 'partialAggregate'; readonly name: string; readonly keys: readonly string[]; readonly aggs: readonly AggregateSpec[] };

/** A stage whose function is loaded: `call(input, ...fnArgs)` runs the user code. */
export interface PreparedStage {
  readonly spec: StageSpec;
  /** Calls the user function (or the class instance's `call` method). */
  readonly call?: (input: unknown) => unknown;
  /** Maps an error thrown by the user code to what the caller should see. */
  readonly explain: (err: unknown) => unknown;
}

async function prepareOne(spec: StageSpec): Promise<PreparedStage> {
  if (spec.kind === 'project' || spec.kind === 'limit' || spec.kind === 'partialAggregate') return { spec, explain: (e) => e };
  const fn = await loadUdf(spec.udf);
  const explain = (e: unknown) => explainUdfError(spec.udf, e);
  const args = spec.fnArgs;
  if (!spec.udf.isClass) {
    const call = args.length === 0 ? (x: unknown) => fn(x) : (x: unknown) => fn(x, ...args);
    return { spec, call, explain };
  }
  let instance: { call?: (...a: unknown[]) => unknown };
  try {
    instance = new (fn as unknown as new (...a: unknown[]) => typeof instance)(...spec.fnConstructorArgs);
  } catch (err) {
    const e = explain(err);
    throw e instanceof DataError ? e : new DataOperatorError(spec.name, e);
  }
  if (typeof instance.call !== 'function') {
    throw new UdfShippingError(spec.udf.name, `a class used as a ${spec.kind} function needs a call(${spec.kind === 'mapBatches' ? 'batch' : 'row'}) method`);
  }
  const method = instance.call.bind(instance);
  return { spec, call: (x: unknown) => method(x, ...args), explain };
}

/** Loads the functions of stages and constructs their classes (once per task or actor). */
export function prepareStages(specs: readonly StageSpec[]): Promise<PreparedStage[]> {
  return Promise.all(specs.map(prepareOne));
}

/** True when any stage runs a user class (so the operator needs an actor pool). */
export function usesClass(specs: readonly StageSpec[]): boolean {
  return specs.some((s) => 'udf' in s && s.udf.isClass);
}
