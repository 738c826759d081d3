/**
 * Preprocessing with @ray-ts/data, and the same preprocessing for one raw record at serving
 * time. The pipeline reads the raw CSV files from S3, drops the rows without a label,
 * splits train/validation, fits the statistics on the training split with aggregates
 * (mean and std of each numeric column, the categories of `plan`), then turns every row
 * into features with `mapBatches`: numeric cells standardised (a missing cell is imputed
 * with the training mean, i.e. 0 after scaling), `plan` one-hot (missing or unknown: all zeros).
 *
 * The row functions are exports of this module, so Data's workers import them (no
 * closures): the statistics reach them through `fnArgs`. {@link featurize} is what both
 * `mapBatches` and the Serve deployment call, so training and serving see the same features.
 */
import * as data from '@ray-ts/data';
import { CATEGORICAL_COLUMN, LABEL_COLUMN, NUMERIC_COLUMNS } from './raw-data.js';

/** What preprocessing learnt from the training split (plain JSON: saved in every checkpoint). */
export interface PreprocessingStats {
  /** Mean and population std of each numeric column over its non-missing training values. */
  numeric: { name: string; mean: number; std: number }[];
  /** The categorical column and its categories seen in training, sorted. */
  categorical: { name: string; categories: string[] };
  /** Names of the features, in model input order. */
  features: string[];
}

/** A raw cell as a number, `null` when missing (empty, null, absent); NaN for text that is not a number. */
function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  return typeof v === 'number' ? v : Number(v);
}

/**
 * The features of one raw record (a CSV row or a JSON object): numeric columns
 * standardised with missing ones imputed to the mean, then the one-hot categorical.
 * Returns how many cells were imputed too.
 * @throws TypeError when a numeric cell is not a number
 */
export function featurize(record: Record<string, unknown>, stats: PreprocessingStats): { x: number[]; imputed: number } {
  const x: number[] = [];
  let imputed = 0;
  for (const { name, mean, std } of stats.numeric) {
    const v = numberOrNull(record[name]);
    if (v !== null && !Number.isFinite(v)) throw new TypeError(`${name} must be a number or missing, got ${JSON.stringify(record[name])}`);
    if (v === null) imputed++;
    x.push(v === null ? 0 : (v - mean) / (std || 1));
  }
  const cat = record[stats.categorical.name];
  for (const c of stats.categorical.categories) x.push(cat === c ? 1 : 0);
  return { x, imputed };
}

/** Filter: keeps rows that have a label. */
export function hasLabel(row: data.Row): boolean {
  return row[LABEL_COLUMN] !== null && row[LABEL_COLUMN] !== undefined;
}

/** mapBatches: raw rows → `{ x: number[], label, imputed }`. */
export function featurizeBatch(rows: data.Row[], stats: PreprocessingStats): data.Row[] {
  return rows.map((row) => {
    const { x, imputed } = featurize(row, stats);
    return { x, label: Number(row[LABEL_COLUMN]), imputed };
  });
}

/** Fits the statistics on a (training) dataset: one aggregate pass for the numeric columns, one group-by for the categories. */
export async function fitStats(train: data.Dataset): Promise<PreprocessingStats> {
  const aggs = NUMERIC_COLUMNS.flatMap((c) => [new data.Mean(c), new data.Std(c, { ddof: 0 })]);
  const agg = await train.aggregate(...aggs);
  const numeric = NUMERIC_COLUMNS.map((name) => ({ name, mean: agg[`mean(${name})`] as number, std: agg[`std(${name})`] as number }));
  const groups = await train.groupBy(CATEGORICAL_COLUMN).count().takeAll();
  const categories = groups.map((g) => g[CATEGORICAL_COLUMN]).filter((c): c is string => typeof c === 'string').sort();
  return {
    numeric,
    categorical: { name: CATEGORICAL_COLUMN, categories },
    features: [...numeric.map((n) => n.name), ...categories.map((c) => `${CATEGORICAL_COLUMN}=${c}`)],
  };
}

/** What {@link preprocess} did. */
export interface PreprocessResult {
  rowsRead: number;
  droppedNoLabel: number;
  stats: PreprocessingStats;
  /** The training split as features: rows `{ x: number[], label, imputed }`, materialized (in the object store). */
  train: data.MaterializedDataset;
  /** The validation split, the same way. */
  validation: data.MaterializedDataset;
  trainRows: number;
  validationRows: number;
  /** Cells imputed in train + validation. */
  imputed: number;
  /** Share of churned customers in the training split. */
  trainPositiveRate: number;
}

/**
 * A split turned into features, materialized once: every Tune trial then reads the same
 * blocks from the object store (no featurize task per trial and epoch).
 */
async function featurized(ds: data.Dataset, stats: PreprocessingStats): Promise<{ ds: data.MaterializedDataset; n: number; imputed: number }> {
  const out = await ds.mapBatches(featurizeBatch, { batchFormat: 'rows', fnArgs: [stats] }).materialize();
  return { ds: out, n: await out.count(), imputed: (await out.sum('imputed')) ?? 0 };
}

/**
 * The Data stage: CSV files under `s3://bucket/raw/` → cleaned, encoded, standardised
 * train and validation datasets, and the statistics to do the same at serving time.
 */
export async function preprocess(rawPath: string, s3: data.S3Options, options: { validationFraction: number; seed: number }): Promise<PreprocessResult> {
  const schema = Object.fromEntries([
    ['customer_id', 'int32'], [CATEGORICAL_COLUMN, 'string'], [LABEL_COLUMN, 'float64'], ...NUMERIC_COLUMNS.map((c) => [c, 'float64']),
  ]) as Record<string, 'int32' | 'string' | 'float64'>;
  // Read once from S3 (one read task per file), kept in the object store.
  const raw = await data.readCsv(rawPath, { s3, schema }).materialize();
  const rowsRead = await raw.count();
  const labelled = raw.filter(hasLabel);
  const [train, validation] = await labelled.trainTestSplit(options.validationFraction, { shuffle: true, seed: options.seed });
  const stats = await fitStats(train);
  const trainPositiveRate = (await train.mean(LABEL_COLUMN)) ?? NaN;
  const [t, v] = [await featurized(train, stats), await featurized(validation, stats)];
  return {
    rowsRead,
    droppedNoLabel: rowsRead - t.n - v.n,
    stats,
    train: t.ds,
    validation: v.ds,
    trainRows: t.n,
    validationRows: v.n,
    imputed: t.imputed + v.imputed,
    trainPositiveRate,
  };
}
