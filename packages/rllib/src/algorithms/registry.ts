/**
 * Algorithms by name, so `Algorithm.fromCheckpoint` can rebuild the right class from the
 * name stored in a checkpoint. Each algorithm module registers itself when imported.
 */
import type { ResolvedCommonConfig } from '../config/algorithm-config.js';

/** Builds an algorithm from its resolved config. */
export type AlgorithmFactory = (config: ResolvedCommonConfig) => unknown;

const factories = new Map<string, AlgorithmFactory>();

/** Registers `name` (e.g. 'PPO'). */
export function registerAlgorithm(name: string, factory: AlgorithmFactory): void {
  factories.set(name, factory);
}

/** The factory of `name`, or undefined. */
export function algorithmFactory(name: string): AlgorithmFactory | undefined {
  return factories.get(name);
}
