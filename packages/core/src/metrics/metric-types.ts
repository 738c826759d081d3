/**
 * User metrics as they travel from a worker (or a driver) to its node.
 */

/** Kind of a user metric. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** Definition of a user metric, sent once per process before its first update. */
export interface MetricDef {
  name: string;
  kind: MetricKind;
  description: string;
  tagKeys: string[];
  /** Histogram bucket boundaries. */
  boundaries?: number[];
}

/** An update: counter increment, gauge value or histogram observation, with its tags. */
export type MetricOp = [name: string, value: number, tags: Record<string, string>];

/** Where a process's metric updates go. */
export interface MetricSink {
  apply(defs: MetricDef[], ops: MetricOp[]): void;
}
