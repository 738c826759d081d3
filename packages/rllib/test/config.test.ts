import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DQNConfig, PPOConfig } from '../src/index.js';

const throwsNamed = (fn: () => unknown, cls: typeof TypeError | typeof RangeError, setting: string) =>
  assert.throws(fn, (err: unknown) => {
    assert.equal((err as Error).constructor, cls, `${(err as Error).constructor.name}: ${(err as Error).message}`);
    assert.ok((err as Error).message.includes(setting), `'${(err as Error).message}' names ${setting}`);
    return true;
  });

test('training settings: wrong types throw TypeError, out-of-range values RangeError, each naming the setting', () => {
  const c = new PPOConfig();
  throwsNamed(() => c.training({ lr: -1 }), RangeError, 'training.lr');
  throwsNamed(() => c.training({ lr: 'fast' as unknown as number }), TypeError, 'training.lr');
  throwsNamed(() => c.training({ gamma: 1.5 }), RangeError, 'training.gamma');
  throwsNamed(() => c.training({ minibatchSize: 0 }), RangeError, 'training.minibatchSize');
  throwsNamed(() => c.training({ numEpochs: 2.5 }), TypeError, 'training.numEpochs');
  throwsNamed(() => c.training({ lambda: -0.1 }), RangeError, 'training.lambda');
  throwsNamed(() => c.training({ clipParam: 0 }), RangeError, 'training.clipParam');
  throwsNamed(() => c.training({ entropyCoeff: -1 }), RangeError, 'training.entropyCoeff');
  throwsNamed(() => c.training({ useKlLoss: 1 as unknown as boolean }), TypeError, 'training.useKlLoss');
  throwsNamed(() => c.training({ learningRate: 1 } as never), TypeError, 'training.learningRate');
  const d = new DQNConfig();
  throwsNamed(() => d.training({ replayBufferCapacity: 0 }), RangeError, 'training.replayBufferCapacity');
  throwsNamed(() => d.training({ doubleQ: 'yes' as unknown as boolean }), TypeError, 'training.doubleQ');
  throwsNamed(() => d.training({ epsilon: [[0, 1], [0, 0.1]] }), RangeError, 'training.epsilon[1][0]');
  throwsNamed(() => d.training({ epsilon: [[0, 2]] }), RangeError, 'training.epsilon[0][1]');
  throwsNamed(() => d.training({ targetNetworkUpdateFreq: 0 }), RangeError, 'training.targetNetworkUpdateFreq');
});

test('env runner, module, debugging and environment settings are checked', () => {
  const c = new PPOConfig();
  throwsNamed(() => c.envRunners({ numEnvRunners: -1 }), RangeError, 'envRunners.numEnvRunners');
  throwsNamed(() => c.envRunners({ numEnvsPerEnvRunner: 0 }), RangeError, 'envRunners.numEnvsPerEnvRunner');
  throwsNamed(() => c.envRunners({ rolloutFragmentLength: 'long' as unknown as number }), TypeError, 'envRunners.rolloutFragmentLength');
  throwsNamed(() => c.envRunners({ numCpusPerEnvRunner: -0.5 }), RangeError, 'envRunners.numCpusPerEnvRunner');
  throwsNamed(() => c.rlModule({ fcnetHiddens: [] }), RangeError, 'rlModule.fcnetHiddens');
  throwsNamed(() => c.rlModule({ fcnetActivation: 'gelu' as never }), RangeError, 'rlModule.fcnetActivation');
  throwsNamed(() => c.debugging({ seed: 1.5 }), TypeError, 'debugging.seed');
  throwsNamed(() => c.environment(42 as never), TypeError, 'environment');
  throwsNamed(() => c.build(), TypeError, '.environment(env)');
});

test('build() checks settings against each other and resolves defaults once', () => {
  throwsNamed(() => new PPOConfig().environment('CartPole-v1').training({ trainBatchSize: 100, minibatchSize: 200 }).build(), RangeError, 'training.minibatchSize');
  throwsNamed(() => new DQNConfig().environment('CartPole-v1').training({ trainBatchSize: 64, replayBufferCapacity: 32 }).build(), RangeError, 'training.trainBatchSize');
  const r = new PPOConfig().environment('CartPole-v1').envRunners({ numEnvRunners: 2, numEnvsPerEnvRunner: 4 }).training({ trainBatchSize: 4000 }).resolve();
  assert.ok(Object.isFrozen(r));
  assert.equal(r.rolloutFragmentLength, 500);
  assert.equal(r.lr, 5e-5);
  assert.equal(r.numEpochs, 30);
  assert.deepEqual(r.fcnetHiddens, [64, 64]);
});
