// A driver run as a child process by log-relay.test.ts: it connects to a cluster's head and
// runs tasks pinned to other nodes that print to stdout and stderr (nodes import this module
// for `shout`; the driver part runs only as the main module).
import * as ray from '@ray-ts/core';

/** Prints lines naming where it runs, one line every copy prints alike, then holds its worker for `ms`. */
export const shout = ray.remote(async function shout(tag: string, ms: number) {
  const { nodeId } = ray.getRuntimeContext();
  console.log(`hello from ${nodeId} task ${tag}`);
  console.error(`warning from ${nodeId} task ${tag}`);
  console.log('the same line from every worker');
  await new Promise((r) => setTimeout(r, ms));
  return { tag, nodeId, pid: process.pid };
});

if (ray.isMain(import.meta)) {
  const nodes = JSON.parse(process.env.TEST_NODES!) as string[];
  await ray.init({ address: process.env.TEST_ADDRESS!, token: process.env.TEST_TOKEN, logToDriver: process.env.TEST_LOG_TO_DRIVER !== '0' });
  // Two tasks at once on each node (2 CPUs each): four workers print the same line.
  const refs = nodes.flatMap((nodeId, i) =>
    [0, 1].map((j) => shout.options({ numCpus: 1, schedulingStrategy: { type: 'NODE_AFFINITY', nodeId } }).remote(`${i}.${j}`, 1000)),
  );
  const ran = await ray.get(refs);
  await new Promise((r) => setTimeout(r, 500));
  console.log(`RESULT ${JSON.stringify(ran)}`);
  ray.shutdown();
}
