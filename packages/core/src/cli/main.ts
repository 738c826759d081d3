/**
 * The `ray-ts` command line.
 */
import { Command } from 'commander';
import { fetchStatus, findSession, formatStatus } from './status.js';

const program = new Command();
program.name('ray-ts').description('ray-ts: Ray for TypeScript on Node.js');

program
  .command('status')
  .description('show resources, pending demand, actors and object store use of a running node')
  .option('--session-dir <dir>', 'session directory (default: the newest local session)')
  .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
  .option('--json', 'print the raw report as JSON')
  .action(async (opts: { sessionDir?: string; tempDir?: string; json?: boolean }) => {
    const report = await fetchStatus(findSession(opts.sessionDir, opts.tempDir));
    console.log(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  });

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`ray-ts: ${err.message}`);
  process.exit(1);
});
