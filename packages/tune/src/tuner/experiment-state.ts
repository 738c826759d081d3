/**
 * The experiment directory on disk (Ray Tune's layout):
 * `<storagePath>/<name>/experiment_state.json` (the sweep: its settings, every trial's
 * status, the searcher's and the scheduler's state) and per trial `<trialId>/params.json`,
 * `<trialId>/result.json` (one JSON line per result), `<trialId>/progress.csv` (one row per result) and `<trialId>/checkpoint_<iteration>/checkpoint.json`.
 * Whole files are written to a temporary name and renamed, so a killed driver leaves either
 * the old or the new state, never a torn one.
 */
import { appendFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeProgress } from './progress-csv.js';

/** Status of a trial, as in Ray. */
export type TrialStatus = 'PENDING' | 'RUNNING' | 'PAUSED' | 'TERMINATED' | 'ERROR';

/** Where a trial's latest checkpoint is. */
export interface CheckpointRecord {
  /** trainingIteration of the result it was reported with. */
  iteration: number;
  /** timeTotalS of that result. */
  timeTotalS: number;
  /** Its directory. */
  dir: string;
}

/** A trial as saved in experiment_state.json. */
export interface TrialRecord {
  trialId: string;
  config: Record<string, unknown>;
  status: TrialStatus;
  lastResult?: Record<string, unknown>;
  checkpoint?: CheckpointRecord;
  error?: { name: string; message: string };
}

/** The contents of experiment_state.json. */
export interface ExperimentState {
  version: 1;
  experimentId: string;
  name: string;
  trainable: string;
  metric?: string;
  mode?: 'min' | 'max';
  numSamples: number;
  maxConcurrentTrials?: number;
  stop?: Record<string, number>;
  checkpointFrequency: number;
  searcherState?: unknown;
  /** The scheduler's class name and `save()` state, when it is a `ResumableScheduler`. */
  schedulerState?: { scheduler: string; state: unknown };
  trials: TrialRecord[];
  updated: number;
}

/** Writes `value` as JSON to `file` atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 1));
  await rename(tmp, file);
}

/** Reads the experiment state of `dir`. */
export async function readExperimentState(dir: string): Promise<ExperimentState> {
  return JSON.parse(await readFile(join(dir, 'experiment_state.json'), 'utf8')) as ExperimentState;
}

/** Creates a trial's directory with its params.json. */
export async function initTrialDir(dir: string, config: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeJsonAtomic(join(dir, 'params.json'), config);
}

/** Appends one result line to result.json. */
export async function appendResult(dir: string, result: Record<string, unknown>): Promise<void> {
  await appendFile(join(dir, 'result.json'), `${JSON.stringify(result)}\n`);
}

/** Every result in result.json (missing file: none; a torn last line is skipped). */
export async function readResults(dir: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'result.json'), 'utf8');
  } catch {
    return [];
  }
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* a line cut by a kill */
    }
  }
  return out;
}

/** Rewrites result.json and progress.csv with only the given results (a trial restarting from a checkpoint). */
export async function rewriteResults(dir: string, results: Record<string, unknown>[]): Promise<void> {
  const tmp = join(dir, `result.json.tmp-${process.pid}`);
  await writeFile(tmp, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await rename(tmp, join(dir, 'result.json'));
  await writeProgress(dir, results);
}

/** Saves checkpoint data under the trial's directory; returns its directory. */
export async function saveCheckpoint(trialDir: string, iteration: number, data: Record<string, unknown>): Promise<string> {
  const dir = join(trialDir, `checkpoint_${String(iteration).padStart(6, '0')}`);
  await mkdir(dir, { recursive: true });
  await writeJsonAtomic(join(dir, 'checkpoint.json'), data);
  return dir;
}

/** Loads checkpoint data saved by {@link saveCheckpoint}. */
export async function loadCheckpoint(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
}

/** Iterations of the checkpoints saved in a trial's directory (`checkpoint_<iteration>/checkpoint.json`), ascending. */
export async function listCheckpointIterations(trialDir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(trialDir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const m = /^checkpoint_(\d+)$/.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}
