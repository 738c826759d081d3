/**
 * The reference of the mapBatches scaling benchmark: the same batch function
 * ({@link heavyBatch}) over the same number of rows in plain Node processes, 1 and then
 * 2 at a time, no ray-ts. Its 2-vs-1 speedup is what this machine gives CPU-bound
 * JavaScript at the moment (other work on a shared VM takes its share of the cores), so
 * the pipeline's speedup is read against it, measured in the same round.
 *
 * A child loads this module (tsx), says `ready`, and on `go` runs `heavyBatch` over its
 * rows in batches of 65,536 `fare`-like values, then says `done`; the parent times from
 * `go` to the last `done` (process start-up is not timed).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { treeCpuSeconds } from './cpu-time.js';
import { heavyBatch } from './defs.js';

const BATCH = 65_536;

/** Wall and CPU seconds for `procs` plain processes to run the batch function over `rows` rows in all. */
export async function rawRun(procs: number, rows: number): Promise<{ seconds: number; cpu: number }> {
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: procs }, (_, i) => {
    const share = Math.floor((rows * (i + 1)) / procs) - Math.floor((rows * i) / procs);
    return fork(self, ['--raw-scaling-child', String(share)], { stdio: 'inherit' });
  });
  const said = (c: (typeof children)[number], what: string) => new Promise<void>((resolve, reject) => {
    c.on('message', (m) => m === what && resolve());
    c.on('exit', (code) => reject(new Error(`raw-scaling child exited with ${code} before '${what}'`)));
  });
  await Promise.all(children.map((c) => said(c, 'ready')));
  const done = Promise.all(children.map((c) => said(c, 'done')));
  const cpu0 = treeCpuSeconds();
  const t = performance.now();
  for (const c of children) c.send('go');
  await done;
  const seconds = (performance.now() - t) / 1000;
  const cpu = treeCpuSeconds() - cpu0;
  for (const c of children) c.kill();
  return { seconds, cpu };
}

if (process.argv[2] === '--raw-scaling-child') {
  const rows = Number(process.argv[3]);
  const fare = new Float64Array(BATCH).map((_, i) => 2.5 + (i % 5000) * 0.01);
  heavyBatch({ fare }); // compiled before the clock starts, as in the pipeline's warmed-up workers
  process.on('message', () => {
    for (let done = 0; done < rows; done += BATCH) heavyBatch({ fare: done + BATCH <= rows ? fare : fare.subarray(0, rows - done) });
    process.send!('done');
  });
  process.send!('ready');
}
