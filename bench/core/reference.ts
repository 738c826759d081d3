/**
 * Ray's published figures and the Node-peer figures, read from `bench/ray-reference.json`.
 */
import { readFileSync } from 'node:fs';

/** One published Ray figure. */
export interface RayFigure {
  /** The figure (ops/s unless `unit` says otherwise). */
  value: number;
  /** Unit when it is not ops/s. */
  unit?: string;
  /** What the benchmark does, in Ray's words. */
  does: string;
}

/** The parts of `ray-reference.json` the core suite uses. */
export interface Reference {
  /** Where Ray's figures were measured. */
  machine: string;
  /** Where they come from. */
  source: string;
  /** Ray's figures by metric name. */
  figures: Record<string, RayFigure>;
  /** piscina tasks/s measured on a 2-vCPU Node 20 VM, by mode. */
  piscina: Record<string, number>;
  /** The other Node-peer figures, as published. */
  otherPeers: Record<string, unknown>;
}

/** Reads `bench/ray-reference.json`. */
export function loadReference(url = new URL('../ray-reference.json', import.meta.url)): Reference {
  const raw = JSON.parse(readFileSync(url, 'utf8')) as {
    machine: string;
    source: string;
    figures: Record<string, RayFigure>;
    node_peers_measured_on_a_2_vcpu_node20_vm: { piscina_trivial_tasks_per_s: Record<string, number> } & Record<string, unknown>;
  };
  const { piscina_trivial_tasks_per_s: piscina, ...otherPeers } = raw.node_peers_measured_on_a_2_vcpu_node20_vm;
  return { machine: raw.machine, source: raw.source, figures: raw.figures, piscina, otherPeers };
}
