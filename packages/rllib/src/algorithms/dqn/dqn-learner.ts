/**
 * DQN's learner: Huber loss on the TD error against a target network (double-DQN: the
 * online net picks the next action), Adam with global-norm gradient clipping, and hard
 * target updates.
 */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedDQNConfig } from '../../config/dqn-config.js';
import { applyClipped } from '../../models/optimizer-state.js';
import { QModule } from '../../models/q-module.js';
import type { Transitions } from './replay-buffer.js';

/** Updates a {@link QModule} from replayed transitions. */
export class DQNLearner {
  readonly optimizer: tf.Optimizer;
  /** The target network (same shape as the online one). */
  readonly target: QModule;

  /** Creates the optimizer and a target network equal to `online`. */
  constructor(private readonly online: QModule, private readonly config: ResolvedDQNConfig) {
    this.optimizer = tf.train.adam(config.lr, 0.9, 0.999, 1e-7);
    this.target = new QModule(online.spec);
    this.syncTarget();
  }

  /** Copies the online weights into the target network. */
  syncTarget(): void {
    this.online.variables.forEach((v, i) => this.target.variables[i]!.assign(v));
  }

  /** One gradient step on `t`; returns [loss, mean |td error|, mean Q(s, a)]. */
  update(t: Transitions): [number, number, number] {
    const c = this.config;
    const n = this.online.spec.action.type === 'discrete' ? this.online.spec.action.n : 0;
    const start = this.online.spec.action.type === 'discrete' ? this.online.spec.action.start : 0;
    const w = t.obs.length / t.rows;
    const targets = tf.tidy(() => {
      const next = tf.tensor2d(t.nextObs, [t.rows, w]);
      const qTarget = this.target.forward(next);
      let nextQ: tf.Tensor1D;
      if (c.doubleQ) {
        const best = tf.argMax(this.online.forward(next), 1) as tf.Tensor1D;
        nextQ = tf.sum(tf.mul(qTarget, tf.oneHot(best, n)), 1) as tf.Tensor1D;
      } else {
        nextQ = tf.max(qTarget, 1) as tf.Tensor1D;
      }
      const notDone = tf.sub(1, tf.tensor1d(t.terminateds));
      return tf.add(tf.tensor1d(t.rewards), tf.mul(c.gamma, tf.mul(notDone, nextQ)));
    });
    const kept: tf.Tensor[] = [];
    const actions = tf.tensor1d(Int32Array.from(t.actions, (a) => a - start), 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const q = this.online.forward(tf.tensor2d(t.obs, [t.rows, w]));
      const qSel = tf.sum(tf.mul(q, tf.oneHot(actions, n)), 1);
      const td = tf.sub(qSel, targets);
      const loss = tf.mean(tf.losses.huberLoss(targets, qSel, undefined, c.huberDelta, tf.Reduction.NONE));
      kept.push(tf.keep(tf.stack([loss, tf.mean(tf.abs(td)), tf.mean(qSel)])));
      return loss as tf.Scalar;
    }, this.online.variables);
    value.dispose();
    targets.dispose();
    actions.dispose();
    applyClipped(this.optimizer, grads, c.gradClip);
    const s = kept[0]!.dataSync();
    kept[0]!.dispose();
    return [s[0]!, s[1]!, s[2]!];
  }
}
