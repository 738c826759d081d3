/** Runs the rl example as its own process (as a user would) at a small target and checks what it prints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

test('rl: PPO reaches the target return on CartPole, the saved policy is served and plays an episode over HTTP', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-test-'));
  const checkpoint = join(dir, 'ppo');
  try {
    // The child is killed before the test's own timeout, so no cluster outlives the test.
    const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--target-return', '150', '--max-iterations', '30', '--checkpoint', checkpoint], { timeout: 85_000 });
    assert.match(stdout, /^training: PPO on CartPole-v1 until the mean return reaches 150 \(at most 30 iterations\)$/m);
    const iters = [...stdout.matchAll(/^iteration (\d+): episode return mean ([\d.]+) \((\d+) env steps, [\d.]+ s\)$/gm)];
    assert.ok(iters.length >= 2, stdout);
    assert.deepEqual(iters.map((m) => Number(m[1])), iters.map((_, i) => i + 1), 'one line per iteration');
    const reached = /^reached: episode return mean ([\d.]+) >= 150 after (\d+) iterations \([\d.]+ s\)$/m.exec(stdout);
    assert.ok(reached, stdout);
    assert.ok(Number(reached[1]) >= 150);
    assert.equal(Number(reached[2]), iters.length, 'stopped at the first iteration at or over the target');
    assert.equal(Number(iters.at(-1)![2]), Number(reached[1]));
    assert.ok(iters.slice(0, -1).every((m) => Number(m[2]) < 150), 'no earlier iteration had reached it');
    assert.ok(existsSync(join(checkpoint, 'algorithm_state.json')), 'algo.save wrote the checkpoint');

    assert.match(stdout, /^serving the policy at POST http:\/\/127\.0\.0\.1:\d+\/act$/m);
    const ep = /^HTTP episode \(env seed 2026\): return (\d+) in (\d+) steps, (\d+) requests, median latency [\d.]+ ms$/m.exec(stdout);
    assert.ok(ep, stdout);
    const [ret, steps, requests] = [Number(ep[1]), Number(ep[2]), Number(ep[3])];
    assert.equal(ret, steps, 'CartPole pays 1 per step');
    assert.equal(requests, steps, 'one HTTP request per step');
    assert.ok(ret >= 100 && ret <= 500, `the served greedy policy balances the pole: return ${ret}`);
    assert.match(stdout, new RegExp(`^same episode with the policy in-process: return ${ret} \\(identical\\)$`, 'm'));
    assert.match(stdout, /^bad input: HTTP 400$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
