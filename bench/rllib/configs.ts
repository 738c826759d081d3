/**
 * The PPO CartPole-v1 setting the bench runs (the same as the rllib tests' tuned
 * setting in packages/rllib/test/fixtures/cartpole-configs.ts).
 */
import { PPOConfig } from '@ray-ts/rllib';

/** PPO on CartPole-v1: 2x64 tanh, GAE 0.95, clip 0.2, 10 epochs of 256-row minibatches, 2048 steps per iteration. */
export function ppoCartPole(seed: number, numEnvRunners: number, numEnvsPerEnvRunner = 4): PPOConfig {
  return new PPOConfig()
    .environment('CartPole-v1')
    .envRunners({ numEnvRunners, numEnvsPerEnvRunner, numCpusPerEnvRunner: 0.5 })
    .training({
      lr: 5e-4, gamma: 0.99, lambda: 0.95, trainBatchSize: 2048, minibatchSize: 256, numEpochs: 10, clipParam: 0.2,
      vfClipParam: null, vfLossCoeff: 0.5, entropyCoeff: 0, useKlLoss: false, gradClip: 0.5,
    })
    .rlModule({ fcnetHiddens: [64, 64], fcnetActivation: 'tanh' })
    .debugging({ seed });
}
