/**
 * The tour's steps: each gallery example at a size that runs in seconds to tens of seconds
 * on a 2-core machine (most at their full default size). The full-size runs and their
 * figures are in each example's README.
 * @module
 */

/** One example run by the tour. */
export interface TourStep {
  /** The folder under `examples/`. */
  name: string;
  /** What it shows, in one line. */
  title: string;
  /** Arguments of its `main.ts` for the tour's size (none: its default, full size). */
  args: string[];
}

/** The gallery, in the order the tour runs it. */
export const STEPS: readonly TourStep[] = [
  { name: 'many-models', title: 'many small models trained in parallel as tasks, then as a Tune sweep', args: [] },
  { name: 'batch-inference', title: 'an ONNX model over Parquet on a Data actor pool', args: [] },
  { name: 'distributed-training', title: 'data-parallel TensorFlow.js training on 2 workers, checkpointed and restored', args: [] },
  { name: 'tuning', title: 'an ASHA sweep over a Train trainer', args: [] },
  { name: 'serving', title: 'preprocess → model → postprocess behind HTTP, batching and autoscaling, under load', args: [] },
  { name: 'rl', title: 'PPO on CartPole, the policy served over HTTP', args: [] },
  { name: 'end-to-end', title: 'CSV in S3 → Data → Train + Tune (MLflow) → Serve → a prediction', args: [] },
  { name: 'orchestration', title: 'a parallel web crawler and a distributed sort', args: ['all', '--size', '512MB'] },
];
