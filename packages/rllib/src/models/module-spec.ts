/**
 * Plain-data description of a policy network (an "RLModule" in RLlib's terms): enough
 * to build the same model in any process, where the weights then arrive as one array.
 */
import type { Space } from '../env/env.js';
import { UnsupportedSpaceError } from '../errors.js';
import type { Activation } from './mlp.js';

/** How observations are fed to the network. */
export type ObsSpec =
  | { readonly type: 'box'; readonly dim: number }
  | { readonly type: 'discrete'; readonly n: number; readonly start: number };

/** The action space as the network sees it. */
export type ActionSpec =
  | { readonly type: 'discrete'; readonly n: number; readonly start: number }
  | { readonly type: 'box'; readonly dim: number; readonly low: readonly number[]; readonly high: readonly number[] };

/** Everything needed to build a module. */
export interface ModuleSpec {
  /** 'ppo': policy + value nets; 'dqn': a Q network. */
  readonly kind: 'ppo' | 'dqn';
  readonly obs: ObsSpec;
  readonly action: ActionSpec;
  readonly hiddens: readonly number[];
  readonly activation: Activation;
  /** Seed of the initial weights. */
  readonly seed: number;
}

/** Width of the network input for `obs`. */
export function obsWidth(obs: ObsSpec): number {
  return obs.type === 'box' ? obs.dim : obs.n;
}

/** The observation spec of a space (Box flattened, Discrete one-hot). */
export function obsSpecOf(space: Space, algorithm: string): ObsSpec {
  if (space.type === 'discrete') return { type: 'discrete', n: space.n, start: space.start };
  if (space.type === 'box') return { type: 'box', dim: space.shape.reduce((a, b) => a * b, 1) };
  throw new UnsupportedSpaceError(algorithm, 'observation', `type '${(space as { type: string }).type}'`);
}

/** The action spec of a space. */
export function actionSpecOf(space: Space, algorithm: string): ActionSpec {
  if (space.type === 'discrete') return { type: 'discrete', n: space.n, start: space.start };
  if (space.type === 'box') {
    if (space.dtype !== 'float32') throw new UnsupportedSpaceError(algorithm, 'action', 'integer Box actions');
    return { type: 'box', dim: space.low.length, low: [...space.low], high: [...space.high] };
  }
  throw new UnsupportedSpaceError(algorithm, 'action', `type '${(space as { type: string }).type}'`);
}

/** Writes `obs` (a vector or a Discrete index) into `out` at row `row`. */
export function encodeObs(spec: ObsSpec, obs: Float32Array | number, out: Float32Array, row: number): void {
  const w = obsWidth(spec);
  if (spec.type === 'discrete') {
    out.fill(0, row * w, row * w + w);
    out[row * w + (obs as number) - spec.start] = 1;
  } else {
    out.set(obs as Float32Array, row * w);
  }
}
