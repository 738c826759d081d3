/**
 * `ray-ts-serve`: Serve's command line (Ray's `serve deploy | status | shutdown`). It
 * connects to a running cluster as a driver (`ray.init({ address })`), talks to the
 * detached Serve controller, and disconnects; the applications keep running.
 *
 *   ray-ts-serve deploy serve.yaml [--address host:port] [--token T]
 *   ray-ts-serve status [--address host:port] [--json]
 *   ray-ts-serve shutdown [--address host:port]
 *
 * The address defaults to RAY_TS_ADDRESS, else the head started on this machine ('auto').
 */
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import { shutdown, status } from '../api.js';
import { deployConfig } from '../config/apply-config.js';
import { formatStatus } from './format-status.js';

const USAGE = `usage: ray-ts-serve <command> [options]
commands:
  deploy <config.yaml|json>  deploy the config's applications to a running cluster (in place when only
                             numReplicas/autoscalingConfig/userConfig/maxOngoingRequests change)
  status                     applications, deployments, replicas and the HTTP address
  shutdown                   delete every application and stop Serve on the cluster
options:
  --address <host:port>      the cluster (default: RAY_TS_ADDRESS, else the head on this machine)
  --token <token>            cluster token (default: RAY_TS_CLUSTER_TOKEN or the local head's token file)
  --json                     status as JSON`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { address: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (!['deploy', 'status', 'shutdown'].includes(command)) {
    console.error(`ray-ts-serve: unknown command '${command}'\n${USAGE}`);
    return 2;
  }
  if (command === 'deploy' && rest.length !== 1) {
    console.error('ray-ts-serve deploy: give one config file, e.g. ray-ts-serve deploy serve.yaml');
    return 2;
  }
  await ray.init({ address: values.address ?? process.env.RAY_TS_ADDRESS ?? 'auto', token: values.token });
  try {
    if (command === 'deploy') {
      const r = await deployConfig(rest[0]!);
      console.log(`deployed ${r.deployed.map((n) => `'${n}'`).join(', ')}${r.deleted.length ? `; deleted ${r.deleted.map((n) => `'${n}'`).join(', ')}` : ''}`);
      console.log(formatStatus(await status()));
    } else if (command === 'status') {
      const st = await status();
      console.log(values.json ? JSON.stringify(st, null, 2) : formatStatus(st));
    } else {
      await shutdown();
      console.log('Serve shut down: applications deleted, proxy and controller stopped');
    }
    return 0;
  } finally {
    ray.shutdown();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`ray-ts-serve: ${err?.message ?? err}`);
    process.exit(1);
  },
);
