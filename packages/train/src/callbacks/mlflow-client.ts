/**
 * The few calls of the MLflow REST API 2.0 the logger needs, over `fetch`
 * (https://mlflow.org/docs/latest/rest-api.html): experiments get-by-name/create,
 * runs create/log-batch/update, and artifact upload through the tracking server's
 * proxied artifact store (`/api/2.0/mlflow-artifacts/artifacts/...`).
 *
 * Why not the `mlflow` npm client: it `console.log`s every request body (all params and
 * metrics would go to stdout), lacks `experiments/get-by-name` and `run_name`, lists
 * experiments through `experiments/list` (removed in MLflow 2.0) and turns errors into
 * plain strings. Its endpoint paths and body shapes are the ones used here.
 */
import { MLflowApiError } from '../checkpoint/errors.js';

/** One metric value of `runs/log-batch`. */
export interface MLflowMetric {
  key: string;
  value: number;
  /** Milliseconds since the epoch (int64). */
  timestamp: number;
  step: number;
}

/** A key/value param or tag (values are strings). */
export interface MLflowKeyValue {
  key: string;
  value: string;
}

/** `log-batch` limits of the MLflow API: 1000 metrics, 100 params, 100 tags per request. */
const MAX_METRICS = 1000;
const MAX_PARAMS = 100;

/** A client for one tracking server. */
export class MLflowRestClient {
  private readonly base: string;

  /** @param trackingUri `http(s)://host:port` of the tracking server */
  constructor(trackingUri: string, private readonly headers: Record<string, string> = {}) {
    this.base = trackingUri.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown>): Promise<T> {
    let url = `${this.base}/api/2.0/mlflow/${endpoint}`;
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...this.headers } };
    if (method === 'GET') url += `?${new URLSearchParams(body as Record<string, string>).toString()}`;
    else {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    }
    return this.send<T>(endpoint, url, init);
  }

  private async send<T>(endpoint: string, url: string, init: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw new MLflowApiError(endpoint, 0, undefined, (err as Error)?.message ?? String(err), { cause: err });
    }
    const text = await res.text();
    let data: Record<string, unknown> = {};
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (res.ok) throw new MLflowApiError(endpoint, res.status, undefined, `the answer is not JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const code = typeof data.error_code === 'string' ? data.error_code : undefined;
      throw new MLflowApiError(endpoint, res.status, code, typeof data.message === 'string' ? data.message : text.slice(0, 200) || res.statusText);
    }
    return data as T;
  }

  /** The id of the experiment with this name, or undefined when there is none. */
  async getExperimentByName(name: string): Promise<string | undefined> {
    try {
      const r = await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
      return r.experiment.experiment_id;
    } catch (err) {
      if (err instanceof MLflowApiError && (err.errorCode === 'RESOURCE_DOES_NOT_EXIST' || err.status === 404)) return undefined;
      throw err;
    }
  }

  /** The id of the named experiment, created when missing (tolerates a concurrent create). */
  async getOrCreateExperiment(name: string): Promise<string> {
    const id = await this.getExperimentByName(name);
    if (id !== undefined) return id;
    try {
      return (await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
    } catch (err) {
      if (!(err instanceof MLflowApiError && err.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err;
      const again = await this.getExperimentByName(name);
      if (again === undefined) throw err;
      return again;
    }
  }

  /** Creates a run; returns its id and artifact URI. */
  async createRun(experimentId: string, runName: string, startTime: number, tags: MLflowKeyValue[]): Promise<{ runId: string; artifactUri: string }> {
    const r = await this.call<{ run: { info: { run_id: string; artifact_uri?: string } } }>('POST', 'runs/create', {
      experiment_id: experimentId, run_name: runName, start_time: startTime, tags,
    });
    return { runId: r.run.info.run_id, artifactUri: r.run.info.artifact_uri ?? '' };
  }

  /** Logs metrics and params, split into requests within the API's limits. */
  async logBatch(runId: string, batch: { metrics?: MLflowMetric[]; params?: MLflowKeyValue[] }): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    for (let i = 0; i < metrics.length; i += MAX_METRICS) {
      await this.call('POST', 'runs/log-batch', { run_id: runId, metrics: metrics.slice(i, i + MAX_METRICS), params: [], tags: [] });
    }
    for (let i = 0; i < params.length; i += MAX_PARAMS) {
      await this.call('POST', 'runs/log-batch', { run_id: runId, metrics: [], params: params.slice(i, i + MAX_PARAMS), tags: [] });
    }
  }

  /** Ends a run with a status (`FINISHED`, `FAILED`, `KILLED`). */
  async updateRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED', endTime: number): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: endTime });
  }

  /**
   * Uploads one artifact file through the server's proxied artifact store. Needs an
   * `mlflow-artifacts:` artifact URI (the default of `mlflow server` >= 1.24).
   */
  async uploadArtifact(artifactUri: string, relPath: string, bytes: Uint8Array): Promise<void> {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
    if (!m) {
      throw new MLflowApiError('mlflow-artifacts', 0, undefined, `the run's artifact store ${artifactUri} is not proxied by the server; start it with --serve-artifacts or turn saveArtifact off`);
    }
    const path = [...m[1]!.split('/'), ...relPath.split('/')].filter(Boolean).map(encodeURIComponent).join('/');
    await this.send('mlflow-artifacts', `${this.base}/api/2.0/mlflow-artifacts/artifacts/${path}`, {
      method: 'PUT', headers: { ...this.headers, 'Content-Type': 'application/octet-stream' }, body: bytes,
    });
  }
}
