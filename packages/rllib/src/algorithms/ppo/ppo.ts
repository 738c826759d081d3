/**
 * PPO (proximal policy optimization): each iteration samples `trainBatchSize` env steps
 * from the runners with the current policy, runs {@link PPOLearner}'s minibatch epochs,
 * and broadcasts the new weights.
 */
import type { ResolvedCommonConfig } from '../../config/algorithm-config.js';
import type { ResolvedPPOConfig } from '../../config/ppo-config.js';
import type { EnvRunnerGroup } from '../../env-runner/env-runner-group.js';
import { concatBatches } from '../../env-runner/sample-batch.js';
import type { ModuleSpec } from '../../models/module-spec.js';
import { loadOptimizer, saveOptimizer, type OptimizerStateMeta } from '../../models/optimizer-state.js';
import type { PPOModule } from '../../models/ppo-module.js';
import type { RLModule } from '../../models/rl-module.js';
import { Algorithm, type StepOutcome } from '../algorithm.js';
import { registerAlgorithm } from '../registry.js';
import { PPOLearner } from './ppo-learner.js';

/** Proximal policy optimization; build it with `new PPOConfig()...build()`. */
export class PPO extends Algorithm<ResolvedPPOConfig> {
  private learner: PPOLearner | undefined;

  /** The module this algorithm trains. */
  protected moduleSpec(base: Omit<ModuleSpec, 'kind'>): ModuleSpec {
    return { kind: 'ppo', ...base };
  }

  /** Creates the learner (and, for DQN, the replay buffer). */
  protected setupLearner(module: RLModule): void {
    this.learner = new PPOLearner(module as PPOModule, this.config);
  }

  /** One iteration: sample, learn, broadcast the weights. */
  protected async trainingStep(group: EnvRunnerGroup): Promise<StepOutcome> {
    let t = performance.now();
    const samples = await group.sample({ explore: true });
    const sampleMs = performance.now() - t;
    t = performance.now();
    const learners = this.learner!.update(concatBatches(samples.map((s) => s.batch)));
    const learnMs = performance.now() - t;
    const syncWeightsMs = this.syncWeights();
    return { samples, learners, sampleMs, learnMs, syncWeightsMs };
  }

  /** Learner state for a checkpoint. */
  protected async learnerState(): Promise<{ json: Record<string, unknown>; arrays: Record<string, Float32Array> }> {
    const opt = await saveOptimizer(this.learner!.optimizer);
    return { json: { klCoeff: this.learner!.klCoeff, optimizer: opt.meta }, arrays: { optimizer: opt.data } };
  }

  /** Restores the learner state of a checkpoint. */
  protected async loadLearnerState(json: Record<string, unknown>, arrays: Record<string, Float32Array>): Promise<void> {
    this.learner!.klCoeff = json.klCoeff as number;
    if (arrays.optimizer) await loadOptimizer(this.learner!.optimizer, json.optimizer as OptimizerStateMeta, arrays.optimizer);
  }
}

registerAlgorithm('PPO', (config: ResolvedCommonConfig) => new PPO(config as ResolvedPPOConfig));
