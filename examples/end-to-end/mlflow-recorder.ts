/**
 * A loopback stand-in for an MLflow tracking server, used when `MLFLOW_TRACKING_URI` is not
 * set: there is no MLflow server here. It answers the few REST API 2.0 endpoints the
 * logger calls (https://mlflow.org/docs/latest/rest-api.html) — experiments get-by-name and
 * create, runs create, log-batch and update — keeping runs, params and metrics in memory,
 * and records every call so the example can show what MLflow would have received.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One REST call received: `GET experiments/get-by-name`, `POST runs/log-batch`, ... */
export interface RecordedCall {
  method: string;
  endpoint: string;
}

/** A run as the recorder holds it. */
export interface RecordedRun {
  runId: string;
  runName: string;
  status: string;
  params: Record<string, string>;
  /** Metric key → values in logging order. */
  metrics: Record<string, number[]>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The recorder: start with {@link MLflowRecorder.start}, read `calls` and `runs`, then `close()`. */
export class MLflowRecorder {
  readonly calls: RecordedCall[] = [];
  readonly runs = new Map<string, RecordedRun>();
  private readonly experiments = new Map<string, string>();

  private constructor(private readonly server: Server, readonly url: string) {}

  /** Listens on a free port of 127.0.0.1. */
  static async start(): Promise<MLflowRecorder> {
    let recorder!: MLflowRecorder;
    const server = createServer((req, res) => {
      recorder.handle(req).then(
        ([status, body]) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (err: unknown) => {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: String(err) }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    recorder = new MLflowRecorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return recorder;
  }

  /** How many calls there were of each `METHOD endpoint`. */
  countByEndpoint(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) out[`${c.method} ${c.endpoint}`] = (out[`${c.method} ${c.endpoint}`] ?? 0) + 1;
    return out;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    const endpoint = url.pathname.replace(/^\/api\/2\.0\/mlflow\//, '');
    this.calls.push({ method: req.method ?? '?', endpoint });
    const body = (req.method === 'POST' ? JSON.parse(raw || '{}') : Object.fromEntries(url.searchParams)) as Record<string, any>;
    switch (`${req.method} ${endpoint}`) {
      case 'GET experiments/get-by-name': {
        const id = this.experiments.get(body.experiment_name);
        return id ? [200, { experiment: { experiment_id: id, name: body.experiment_name } }] : [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such experiment' }];
      }
      case 'POST experiments/create': {
        if (this.experiments.has(body.name)) return [400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' }];
        const id = String(this.experiments.size + 1);
        this.experiments.set(body.name, id);
        return [200, { experiment_id: id }];
      }
      case 'POST runs/create': {
        const runId = `run${this.runs.size + 1}`;
        this.runs.set(runId, { runId, runName: body.run_name, status: 'RUNNING', params: {}, metrics: {} });
        return [200, { run: { info: { run_id: runId, experiment_id: body.experiment_id, status: 'RUNNING', artifact_uri: `mlflow-artifacts:/${body.experiment_id}/${runId}/artifacts` }, data: {} } }];
      }
      case 'POST runs/log-batch': {
        const run = this.runs.get(body.run_id);
        if (!run) return [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `no run ${body.run_id}` }];
        for (const p of body.params ?? []) run.params[p.key] = p.value;
        for (const m of body.metrics ?? []) (run.metrics[m.key] ??= []).push(m.value);
        return [200, {}];
      }
      case 'POST runs/update': {
        const run = this.runs.get(body.run_id);
        if (!run) return [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `no run ${body.run_id}` }];
        run.status = body.status;
        return [200, { run_info: { run_id: run.runId, status: run.status } }];
      }
      default:
        return [404, { error_code: 'ENDPOINT_NOT_FOUND', message: `${req.method} ${url.pathname} is not served by this recorder` }];
    }
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
