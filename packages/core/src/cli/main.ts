/**
 * The `ray-ts` command line.
 */
import { Command } from 'commander';
import { fetchStatus, findSession, formatStatus } from './status.js';
import { startNode, stopNode } from './start-stop.js';
import { readHeadInfo, resolveToken } from './head-file.js';
import { registerJobCommands } from './job.js';
import { registerStateCommands } from './state-commands.js';
import { registerClusterCommands } from './up-down.js';

const program = new Command();
program.name('ray-ts').description('ray-ts: Ray for TypeScript on Node.js');

program
  .command('status')
  .description('show resources, pending demand, actors and object store use of a running node')
  .option('--address <host:port>', 'a node started with `ray-ts start` (default: the one on this machine, else the newest local session)')
  .option('--token <token>', 'cluster token (default: RAY_TS_CLUSTER_TOKEN or the local head\'s token file)')
  .option('--session-dir <dir>', 'session directory of an embedded cluster')
  .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
  .option('--json', 'print the raw report as JSON')
  .action(async (opts: { address?: string; token?: string; sessionDir?: string; tempDir?: string; json?: boolean }) => {
    const head = opts.sessionDir ? undefined : readHeadInfo(opts.tempDir);
    const address = opts.address ?? head?.address;
    const report = address
      ? await fetchStatus(undefined, { address, token: resolveToken(opts.token, opts.tempDir) })
      : await fetchStatus(findSession(opts.sessionDir, opts.tempDir));
    console.log(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  });

program
  .command('start')
  .description('start a ray-ts node in the background on this machine')
  .option('--head', 'start the head node of a new cluster')
  .option('--address <host:port>', 'join the cluster whose head is at this address')
  .option('--host <host>', 'address to listen on (default 127.0.0.1: only this machine)', '127.0.0.1')
  .option('--port <port>', 'TCP port (0 picks a free one; default 6380 for a head, 0 for a joining node)', (v) => Number(v))
  .option('--node-ip-address <ip>', 'address other machines reach this node at (default: --host)')
  .option('--redis-address <host:port>', 'keep the head\'s cluster state in Redis (a restarted head recovers it)')
  .option('--block', 'stay in the foreground until stopped (for containers)')
  .option('--labels <json>', 'labels of this node for NODE_LABEL scheduling, e.g. \'{"zone":"a"}\'')
  .option('--num-cpus <n>', 'CPUs this node offers', (v) => Number(v))
  .option('--num-gpus <n>', 'GPUs this node offers', (v) => Number(v))
  .option('--resources <json>', 'custom resources, e.g. \'{"special": 2}\'')
  .option('--object-store-memory <bytes>', 'shared memory for objects', (v) => Number(v))
  .option('--token <token>', 'cluster token (default: RAY_TS_CLUSTER_TOKEN, or a new random one)')
  .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
  .option('--metrics-export-port <port>', 'port of the node\'s /metrics and /api/v0 HTTP endpoint (default 0: a free port, printed)', (v) => Number(v))
  .option('--autoscaling-config <file>', 'head only: run the autoscaler for this cluster config (see `ray-ts up`)')
  .action(async (opts) => {
    const info = await startNode(opts);
    if (!info.head) {
      console.log(`ray-ts node started at ${info.address} (node ${info.nodeId}, pid ${info.pid}), joined the head at ${info.headAddress}`);
      return;
    }
    console.log(`ray-ts head started at ${info.address} (node ${info.nodeId}, pid ${info.pid})`);
    console.log(`  connect:  await ray.init({ address: '${info.address}' })   — or address: 'auto' on this machine`);
    console.log(`  token:    ${info.tokenFile} (other machines: RAY_TS_CLUSTER_TOKEN=<its contents>)`);
    if (info.metricsAddress) console.log(`  dashboard: http://${info.metricsAddress}/`);
    if (info.metricsAddress) console.log(`  metrics:  http://${info.metricsAddress}/metrics   state API: http://${info.metricsAddress}/api/v0/tasks`);
    console.log('  status:   ray-ts status        stop: ray-ts stop');
    console.log(`  jobs:     ray-ts job submit --address ${info.address} --working-dir . -- node main.js`);
  });

program
  .command('stop')
  .description('stop the ray-ts node started on this machine')
  .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
  .action(async (opts: { tempDir?: string }) => {
    const info = await stopNode(opts.tempDir);
    console.log(info ? `stopped the ray-ts node at ${info.address} (pid ${info.pid})` : 'no ray-ts node is running here');
  });

registerJobCommands(program);
registerStateCommands(program);
registerClusterCommands(program);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`ray-ts: ${err.message}`);
  process.exit(1);
});
