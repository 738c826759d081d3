/**
 * The tour's steps: each gallery example at a size that runs in tens of seconds on a
 * 2-core machine, with the lines of its output worth showing. The full-size runs and
 * their figures are in each example's README.
 * @module
 */

/** One example run by the tour. */
export interface TourStep {
  /** The folder under `examples/`. */
  name: string;
  /** What it shows, in one line. */
  title: string;
  /** Arguments of its `main.ts` for the tour's size. */
  args: string[];
}

/** The gallery, in the order the tour runs it. */
export const STEPS: readonly TourStep[] = [
  { name: 'many-models', title: 'many small models trained in parallel as tasks, then as a Tune sweep', args: ['--small'] },
  { name: 'batch-inference', title: 'an ONNX model over Parquet on a Data actor pool', args: ['--rows', '20000'] },
  { name: 'distributed-training', title: 'data-parallel TensorFlow.js training on 2 workers, checkpointed and restored', args: ['--epochs', '2', '--more-epochs', '1', '--rows', '2048'] },
  { name: 'tuning', title: 'an ASHA sweep over a Train trainer', args: ['--samples', '4', '--max-t', '4', '--rows', '512'] },
  { name: 'serving', title: 'preprocess → model → postprocess behind HTTP, batching and autoscaling, under load', args: ['--requests', '400', '--concurrency', '16'] },
  { name: 'rl', title: 'PPO on CartPole, the policy served over HTTP', args: ['--target-return', '150', '--max-iterations', '30'] },
  { name: 'end-to-end', title: 'CSV in S3 → Data → Train + Tune (MLflow) → Serve → a prediction', args: ['--rows', '800', '--trials', '4', '--epochs', '3'] },
  { name: 'orchestration', title: 'a parallel web crawler and a distributed sort', args: ['all', '--pages', '100', '--size', '128MB'] },
];
