/**
 * `ray-ts job submit | status | logs | stop | list`: run a driver on a cluster's head
 * machine and follow it, like `ray job`.
 */
import type { Command } from 'commander';
import { readHeadInfo, resolveToken } from './head-file.js';
import type { JobSubmissionClient } from '../jobs/job-client.js';
import type { JobInfo } from '../jobs/job-types.js';

interface ConnOpts {
  address?: string;
  token?: string;
  tempDir?: string;
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'a node of the cluster, usually the head (default: RAY_TS_ADDRESS, else the head started on this machine)')
    .option('--token <token>', 'cluster token (default: RAY_TS_CLUSTER_TOKEN or the local head\'s token file)')
    .option('--temp-dir <dir>', 'where local sessions live, to find the local head (default: <tmpdir>/ray-ts)');
}

/** The cluster address: --address, else RAY_TS_ADDRESS, else the head started on this machine. */
function resolveAddress(o: ConnOpts): string {
  const given = o.address ?? process.env.RAY_TS_ADDRESS;
  if (given && given !== 'auto') return given;
  const head = readHeadInfo(o.tempDir);
  if (!head) throw new Error('no cluster to talk to: pass --address HEAD:PORT, set RAY_TS_ADDRESS, or run on the head machine (ray-ts start --head).');
  return head.headAddress ?? head.address;
}

async function withClient<T>(o: ConnOpts, fn: (c: JobSubmissionClient) => Promise<T>): Promise<T> {
  const { JobSubmissionClient } = await import('../jobs/job-client.js');
  const client = await JobSubmissionClient.connect(resolveAddress(o), resolveToken(o.token, o.tempDir));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** `KEY=VALUE` strings into an object. */
function parseEnv(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`--env expects KEY=VALUE, got '${p}'`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** One line about how a job ended (or where it is). */
export function describeJob(j: JobInfo): string {
  const what = { PENDING: 'is pending', RUNNING: 'is running', SUCCEEDED: 'succeeded', FAILED: 'failed', STOPPED: 'was stopped' }[j.status];
  return `Job '${j.submissionId}' ${what}${j.message ? ` (${j.message})` : ''}`;
}

/** Follows the log to stdout until the job ends; sets the exit code from its status. */
async function follow(client: JobSubmissionClient, id: string): Promise<void> {
  for await (const piece of client.tailJobLogs(id)) process.stdout.write(piece);
  const job = await client.waitForJob(id);
  console.error(describeJob(job));
  process.exitCode = job.status === 'SUCCEEDED' ? 0 : 1;
}

function formatList(jobs: JobInfo[]): string {
  if (jobs.length === 0) return 'No jobs.';
  const rows = jobs.map((j) => [
    j.submissionId,
    j.status,
    new Date(j.startTime).toISOString().replace('T', ' ').slice(0, 19),
    j.endTime ? `${((j.endTime - j.startTime) / 1000).toFixed(1)}s` : '-',
    j.entrypoint.join(' '),
  ]);
  const head = ['SUBMISSION ID', 'STATUS', 'STARTED (UTC)', 'TOOK', 'ENTRYPOINT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** Adds the `job` command group to the CLI. */
export function registerJobCommands(program: Command): void {
  const job = program.command('job').description('run a driver program on a cluster and follow it (like `ray job`)');

  withConnection(job.command('submit'))
    .description('run a command (after --) as a driver on the head machine; follows its logs until it ends')
    .argument('<entrypoint...>', 'the command, e.g. -- node main.js (node means the head\'s Node binary)')
    .option('--working-dir <dir>', 'ship this directory as the driver\'s cwd and its tasks\' code (runtimeEnv.workingDir)')
    .option('--exclude <pattern...>', 'gitignore-style patterns left out of --working-dir')
    .option('--env <KEY=VALUE...>', 'environment variables of the driver and its tasks')
    .option('--metadata-json <json>', 'labels kept with the job, e.g. \'{"owner": "me"}\'')
    .option('--submission-id <id>', 'the job\'s id (default: raysubmit_<random>)')
    .option('--no-wait', 'print the submission id and return at once')
    .action(async (entrypoint: string[], o: ConnOpts & { workingDir?: string; exclude?: string[]; env?: string[]; metadataJson?: string; submissionId?: string; wait: boolean }) => {
      const metadata = o.metadataJson ? (JSON.parse(o.metadataJson) as Record<string, string>) : undefined;
      await withClient(o, async (client) => {
        const id = await client.submitJob({
          entrypoint, workingDir: o.workingDir, excludes: o.exclude, envVars: parseEnv(o.env), submissionId: o.submissionId, metadata,
        });
        if (!o.wait) {
          console.log(id);
          console.error(`Job '${id}' submitted. Follow it with: ray-ts job logs ${id} --follow   (status: ray-ts job status ${id})`);
          return;
        }
        console.error(`Job '${id}' submitted; following its logs (Ctrl-C stops following, not the job).`);
        await follow(client, id);
      });
    });

  withConnection(job.command('status'))
    .description('show the status of a job')
    .argument('<submission-id>')
    .option('--json', 'print the whole record as JSON')
    .action(async (id: string, o: ConnOpts & { json?: boolean }) => {
      const j = await withClient(o, (c) => c.getJobInfo(id));
      console.log(o.json ? JSON.stringify(j, null, 2) : `${describeJob(j)}\nStatus: ${j.status}`);
    });

  withConnection(job.command('logs'))
    .description('print the logs of a job')
    .argument('<submission-id>')
    .option('-f, --follow', 'keep printing until the job ends; exit 1 unless it succeeded')
    .action(async (id: string, o: ConnOpts & { follow?: boolean }) => {
      await withClient(o, async (c) => {
        if (o.follow) return follow(c, id);
        for await (const piece of c.tailJobLogs(id, { follow: false })) process.stdout.write(piece);
      });
    });

  withConnection(job.command('stop'))
    .description('stop a job: SIGTERM to its driver\'s process group, SIGKILL 3 s later')
    .argument('<submission-id>')
    .option('--no-wait', 'return without waiting for the job to end')
    .action(async (id: string, o: ConnOpts & { wait: boolean }) => {
      await withClient(o, async (c) => {
        const stopped = await c.stopJob(id);
        if (!stopped) return console.log(`${describeJob(await c.getJobInfo(id))}; nothing to stop.`);
        if (!o.wait) return console.log(`Asked job '${id}' to stop.`);
        console.log(describeJob(await c.waitForJob(id, { timeoutMs: 30_000 })));
      });
    });

  withConnection(job.command('list'))
    .description('list the jobs of the cluster')
    .option('--json', 'print the records as JSON')
    .action(async (o: ConnOpts & { json?: boolean }) => {
      const jobs = await withClient(o, (c) => c.listJobs());
      console.log(o.json ? JSON.stringify(jobs, null, 2) : formatList(jobs));
    });
}
