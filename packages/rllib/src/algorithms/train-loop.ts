/**
 * Runs an algorithm as a Tune trainable (structurally: Tune is not imported). Inside a
 * @ray-ts/tune function trainable, pass Tune's `report` and the trial's config:
 *
 * ```ts
 * import * as tune from '@ray-ts/tune';
 * import { PPOConfig, trainLoop } from '@ray-ts/rllib';
 * export async function ppoTrainable(config: { lr: number }) {
 *   await trainLoop(new PPOConfig().environment('CartPole-v1').training({ lr: config.lr }),
 *     { report: (m) => tune.report(m), stopReturn: 450, maxIterations: 100 });
 * }
 * // new tune.Tuner(ppoTrainable, { paramSpace: { lr: tune.loguniform(1e-4, 1e-3) } }).fit()
 * ```
 */
import type { TrainResult } from './train-result.js';
import type { Algorithm } from './algorithm.js';

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  /** Called with each iteration's flat metrics (e.g. Tune's `report`). */
  readonly report: (metrics: Record<string, number>, result: TrainResult) => unknown;
  /** Stop once `envRunners.episodeReturnMean` reaches this. @default Infinity */
  readonly stopReturn?: number;
  /** Stop after this many iterations. @default 100 */
  readonly maxIterations?: number;
  /** Stop after this many lifetime env steps. @default Infinity */
  readonly maxEnvSteps?: number;
}

/** Flattens a result into `a/b/c` keys of numbers (what Tune schedulers compare). */
export function flattenResult(r: TrainResult): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (o: object, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number') out[prefix + k] = v;
      else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as object, `${prefix}${k}/`);
    }
  };
  walk(r, '');
  return out;
}

/**
 * Builds the algorithm from `config` (anything with `build()`), trains it until a stop
 * condition, reporting each iteration, stops it and resolves to the last result.
 */
export async function trainLoop(config: { build(): Algorithm }, options: TrainLoopOptions): Promise<TrainResult | undefined> {
  if (typeof options?.report !== 'function') throw new TypeError('options.report must be a function');
  const stopReturn = options.stopReturn ?? Infinity;
  const maxIterations = options.maxIterations ?? 100;
  const maxEnvSteps = options.maxEnvSteps ?? Infinity;
  const algo = config.build();
  let last: TrainResult | undefined;
  try {
    for (let i = 0; i < maxIterations; i++) {
      last = await algo.train();
      await options.report(flattenResult(last), last);
      if (last.envRunners.episodeReturnMean >= stopReturn || last.numEnvStepsSampledLifetime >= maxEnvSteps) break;
    }
  } finally {
    await algo.stop();
  }
  return last;
}
