/**
 * A standalone node process (what `ray-ts start` runs): a node manager with its worker
 * pool and object store, serving drivers over TCP (token required) and workers over its
 * Unix socket. Settings come as JSON in RAY_TS_NODE_OPTIONS. Stops on SIGTERM/SIGINT.
 */
import { NodeManager, type NodeOptions } from '../node/node-manager.js';
import { preloadArrow } from '../serialization/index.js';
import { removeHeadInfo, writeHeadInfo } from './head-file.js';
import { join } from 'node:path';

const opts = JSON.parse(process.env.RAY_TS_NODE_OPTIONS ?? '{}') as NodeOptions & { tempDir?: string };
const node = new NodeManager(opts);
await Promise.all([node.start(), preloadArrow()]);
const keepAlive = setInterval(() => {}, 1 << 30);
writeHeadInfo(
  { address: node.tcpAddress!, pid: process.pid, nodeId: node.nodeId, sessionDir: node.sessionDir, tokenFile: join(node.sessionDir, 'token') },
  opts.tempDir,
);
console.log(`ray-ts node ${node.nodeId} listening on ${node.tcpAddress} (session ${node.sessionDir})`);

function stop(): void {
  clearInterval(keepAlive);
  removeHeadInfo(process.pid, opts.tempDir);
  node.shutdown();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
