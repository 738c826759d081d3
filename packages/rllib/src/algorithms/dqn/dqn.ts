/**
 * DQN: each iteration samples rounds from the runners (epsilon-greedy by the schedule),
 * stores them in the replay buffer, replays minibatches once learning starts, copies the
 * online net into the target net every `targetNetworkUpdateFreq` env steps, and
 * broadcasts the weights after each round.
 */
import type { ResolvedCommonConfig } from '../../config/algorithm-config.js';
import { scheduleValue, type ResolvedDQNConfig } from '../../config/dqn-config.js';
import type { EnvRunnerGroup } from '../../env-runner/env-runner-group.js';
import type { SampleResult } from '../../env-runner/sample-batch.js';
import { assignFlat, flatten } from '../../models/mlp.js';
import { obsWidth, type ModuleSpec } from '../../models/module-spec.js';
import { loadOptimizer, saveOptimizer, type OptimizerStateMeta } from '../../models/optimizer-state.js';
import type { QModule } from '../../models/q-module.js';
import type { RLModule } from '../../models/rl-module.js';
import { Rng } from '../../models/rng.js';
import { UnsupportedSpaceError } from '../../errors.js';
import { Algorithm, type StepOutcome } from '../algorithm.js';
import { registerAlgorithm } from '../registry.js';
import { DQNLearner } from './dqn-learner.js';
import { ReplayBuffer } from './replay-buffer.js';

/** Deep Q-learning; build it with `new DQNConfig()...build()`. */
export class DQN extends Algorithm<ResolvedDQNConfig> {
  private learner: DQNLearner | undefined;
  private buffer: ReplayBuffer | undefined;
  private lastTargetUpdate = 0;
  private readonly rng = new Rng(this.config.seed + 53);

  /** The module this algorithm trains. */
  protected moduleSpec(base: Omit<ModuleSpec, 'kind'>): ModuleSpec {
    if (base.action.type !== 'discrete') throw new UnsupportedSpaceError('DQN', 'action', 'DQN needs a Discrete action space');
    return { kind: 'dqn', ...base };
  }

  /** Creates the learner (and, for DQN, the replay buffer). */
  protected setupLearner(module: RLModule): void {
    this.learner = new DQNLearner(module as QModule, this.config);
    this.buffer = new ReplayBuffer(this.config.replayBufferCapacity, obsWidth(module.spec.obs));
  }

  /** Epsilon at the current lifetime env steps. */
  protected override explorationEpsilon(): number {
    return scheduleValue(this.config.epsilon, this.numEnvStepsSampledLifetime);
  }

  /** One iteration: sample, learn, broadcast the weights. */
  protected async trainingStep(group: EnvRunnerGroup): Promise<StepOutcome> {
    const c = this.config;
    const samples: SampleResult[] = [];
    let sampleMs = 0;
    let learnMs = 0;
    let syncWeightsMs = 0;
    let steps = 0;
    const sums = [0, 0, 0];
    let updates = 0;
    while (steps < c.minSampleTimestepsPerIteration) {
      let t = performance.now();
      const epsilon = scheduleValue(c.epsilon, this.numEnvStepsSampledLifetime + steps);
      const round = await group.sample({ explore: true, epsilon });
      sampleMs += performance.now() - t;
      const roundSteps = round.reduce((s, r) => s + r.envSteps, 0);
      steps += roundSteps;
      samples.push(...round);
      t = performance.now();
      for (const r of round) this.buffer!.add(r.batch);
      const lifetime = this.numEnvStepsSampledLifetime + steps;
      if (lifetime >= c.numStepsSampledBeforeLearningStarts) {
        const n = c.trainingIntensity === null ? 1 : Math.max(1, Math.round((roundSteps * c.trainingIntensity) / c.trainBatchSize));
        for (let k = 0; k < n; k++) {
          const s = this.learner!.update(this.buffer!.sample(c.trainBatchSize, this.rng));
          for (let i = 0; i < 3; i++) sums[i]! += s[i]!;
          updates++;
        }
        if (lifetime - this.lastTargetUpdate >= c.targetNetworkUpdateFreq) {
          this.learner!.syncTarget();
          this.lastTargetUpdate = lifetime;
        }
        learnMs += performance.now() - t;
        syncWeightsMs += this.syncWeights();
      }
    }
    const mean = (i: number) => (updates > 0 ? sums[i]! / updates : NaN);
    const learners = {
      loss: mean(0), tdErrorMean: mean(1), qMean: mean(2), numGradientSteps: updates, replayBufferSize: this.buffer!.size,
      epsilon: scheduleValue(c.epsilon, this.numEnvStepsSampledLifetime + steps),
    };
    return { samples, learners, sampleMs, learnMs, syncWeightsMs };
  }

  /** Learner state for a checkpoint. */
  protected async learnerState(): Promise<{ json: Record<string, unknown>; arrays: Record<string, Float32Array> }> {
    const opt = await saveOptimizer(this.learner!.optimizer);
    return {
      json: { lastTargetUpdate: this.lastTargetUpdate, optimizer: opt.meta },
      arrays: { target: flatten(this.learner!.target.variables), optimizer: opt.data },
    };
  }

  /** Restores the learner state of a checkpoint. */
  protected async loadLearnerState(json: Record<string, unknown>, arrays: Record<string, Float32Array>): Promise<void> {
    this.lastTargetUpdate = json.lastTargetUpdate as number;
    if (arrays.target) assignFlat(this.learner!.target.variables, arrays.target);
    if (arrays.optimizer) await loadOptimizer(this.learner!.optimizer, json.optimizer as OptimizerStateMeta, arrays.optimizer);
  }
}

registerAlgorithm('DQN', (config: ResolvedCommonConfig) => new DQN(config as ResolvedDQNConfig));
