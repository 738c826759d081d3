/**
 * Ray's `MLflowLoggerCallback`: one MLflow run per Train run. At setup it gets or
 * creates the experiment by name, creates the run (name, tags) and logs the flattened
 * config as params; each report logs its numeric metrics with `step = iteration`
 * (`runs/log-batch`); teardown optionally uploads the run directory as artifacts and
 * ends the run as FINISHED or FAILED. Tracking-server errors never stop training.
 */
import type { S3Options } from '@ray-ts/data';
import { joinStorage } from '../storage/paths.js';
import { toJsonSafe } from '../storage/json-safe.js';
import { fsFor, listTree } from '../storage/tree.js';
import type { ReportInfo, RunInfo, RunOutcome } from './callback.js';
import { flattenDict } from './flatten.js';
import { LoggerCallback } from './logger-callback.js';
import { MLflowRestClient, type MLflowKeyValue, type MLflowMetric } from './mlflow-client.js';

/** Options of {@link MLflowLoggerCallback}. */
export interface MLflowLoggerOptions {
  /** `http(s)://` URL of the tracking server. @default env `MLFLOW_TRACKING_URI` */
  trackingUri?: string;
  /** Experiment the run is logged to; created when missing. @default env `MLFLOW_EXPERIMENT_NAME`, else `'Default'` */
  experimentName?: string;
  /** Name of the MLflow run. @default the Train run's name */
  runName?: string;
  /** Tags set on the run. @default {} */
  tags?: Record<string, string>;
  /** Upload the run directory (results, checkpoints) as artifacts at teardown. @default false */
  saveArtifact?: boolean;
  /** Extra HTTP headers. @default `Authorization` from env `MLFLOW_TRACKING_TOKEN` (Bearer) or `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` (Basic) */
  headers?: Record<string, string>;
  /** S3 settings to read an `s3://` run directory for `saveArtifact`. @default the run's, then env */
  s3?: S3Options;
}

/** Longest param value MLflow (>= 2.2) stores. */
const MAX_PARAM_LENGTH = 6000;

function envHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.MLFLOW_TRACKING_TOKEN) return { Authorization: `Bearer ${env.MLFLOW_TRACKING_TOKEN}` };
  if (env.MLFLOW_TRACKING_USERNAME) {
    const basic = Buffer.from(`${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD ?? ''}`).toString('base64');
    return { Authorization: `Basic ${basic}` };
  }
  return {};
}

function checkStringRecord(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new TypeError(`${field} must be an object of string values`);
  }
  return { ...(v as Record<string, string>) };
}

/** Logs a run to an MLflow tracking server. */
export class MLflowLoggerCallback extends LoggerCallback {
  /** The resolved, frozen options. */
  readonly options: Readonly<Required<Omit<MLflowLoggerOptions, 'runName' | 's3'>> & Pick<MLflowLoggerOptions, 'runName' | 's3'>>;
  private readonly client: MLflowRestClient;
  private run: { id: string; artifactUri: string; path: string; s3: S3Options } | undefined;

  /**
   * @throws TypeError when a field has the wrong type or `trackingUri` is missing (names the field).
   * @throws RangeError when `trackingUri` is not an http(s) URL.
   */
  constructor(options: MLflowLoggerOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (options.s3 !== undefined && (typeof options.s3 !== 'object' || options.s3 === null)) throw new TypeError('options.s3 must be an S3Options object');
    super(options.s3);
    const trackingUri = options.trackingUri ?? env.MLFLOW_TRACKING_URI;
    if (typeof trackingUri !== 'string' || trackingUri === '') {
      throw new TypeError('options.trackingUri must be the URL of an MLflow tracking server (or set MLFLOW_TRACKING_URI)');
    }
    if (!/^https?:\/\/[^/]/.test(trackingUri)) {
      throw new RangeError(`options.trackingUri must be an http(s):// URL (the REST API of 'mlflow server'), got '${trackingUri}'`);
    }
    const experimentName = options.experimentName ?? (env.MLFLOW_EXPERIMENT_NAME || 'Default');
    if (typeof experimentName !== 'string' || experimentName === '') throw new TypeError('options.experimentName must be a non-empty string');
    if (options.runName !== undefined && (typeof options.runName !== 'string' || options.runName === '')) {
      throw new TypeError('options.runName must be a non-empty string');
    }
    if (options.saveArtifact !== undefined && typeof options.saveArtifact !== 'boolean') throw new TypeError('options.saveArtifact must be a boolean');
    const tags = checkStringRecord(options.tags, 'options.tags') ?? {};
    const headers = checkStringRecord(options.headers, 'options.headers') ?? envHeaders(env);
    this.options = Object.freeze({
      trackingUri, experimentName, runName: options.runName, tags, saveArtifact: options.saveArtifact ?? false, headers, s3: options.s3,
    });
    this.client = new MLflowRestClient(trackingUri, headers);
  }

  /** The MLflow run id once set up (undefined before, or when the server could not be reached). */
  get runId(): string | undefined {
    return this.run?.id;
  }

  /** Gets or creates the experiment, creates the run and logs the config as params. */
  async setup(run: RunInfo): Promise<void> {
    this.run = undefined;
    await this.guard('setup', async () => {
      const experimentId = await this.client.getOrCreateExperiment(this.options.experimentName);
      const tags: MLflowKeyValue[] = Object.entries(this.options.tags).map(([key, value]) => ({ key, value }));
      const created = await this.client.createRun(experimentId, this.options.runName ?? run.name, Date.now(), tags);
      this.run = { id: created.runId, artifactUri: created.artifactUri, path: run.path, s3: this.s3For(run) };
      const params = Object.entries(flattenDict(run.config ?? {})).map(([key, v]) => ({
        key,
        value: (typeof v === 'string' ? v : toJsonSafe(v)).slice(0, MAX_PARAM_LENGTH),
      }));
      await this.client.logBatch(created.runId, { params });
    });
  }

  /** Logs the report's numeric metrics (flattened, finite) at `step = iteration`. */
  async onReport(report: ReportInfo): Promise<void> {
    const run = this.run;
    if (!run) return;
    const timestamp = Math.round(report.timestamp);
    const metrics: MLflowMetric[] = [];
    for (const [key, v] of Object.entries(flattenDict(report.metrics))) {
      const value = typeof v === 'bigint' ? Number(v) : v;
      if (typeof value === 'number' && Number.isFinite(value)) metrics.push({ key, value, timestamp, step: report.iteration });
    }
    if (metrics.length === 0) return;
    await this.guard('onReport', () => this.client.logBatch(run.id, { metrics }));
  }

  /** Uploads artifacts when asked, then ends the run as FINISHED, or FAILED when the run failed. */
  async teardown(outcome: RunOutcome): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    if (this.options.saveArtifact) await this.guard('saveArtifact', () => this.uploadRunDir(run));
    await this.guard('teardown', () => this.client.updateRun(run.id, outcome.error ? 'FAILED' : 'FINISHED', Date.now()));
  }

  private async uploadRunDir(run: { artifactUri: string; path: string; s3: S3Options }): Promise<void> {
    const fs = fsFor(run.path, run.s3);
    for (const f of await listTree(run.path, run.s3)) {
      await this.client.uploadArtifact(run.artifactUri, f.rel, await fs.read(joinStorage(run.path, f.rel)));
    }
  }
}
