/**
 * Runs the serving example as its own process (as a user would) at small size and checks
 * what it prints: every answer matches onnxruntime in the driver, bad requests get 400,
 * the model ran batches of more than one request, Model scaled up under the load and back
 * down after it, and the throughput and latency lines are well formed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const num = String.raw`(\d+(?:\.\d+)?)`;

test('serving: composed app over HTTP, batched, autoscaled, answers match onnxruntime', { timeout: 100_000 }, async () => {
  const requests = 1200;
  // Killed before the test's own timeout, so no cluster outlives the test.
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--requests', String(requests), '--concurrency', '16', '--settle-s', '15'], {
    timeout: 90_000,
  });
  assert.match(stdout, /^serving at http:\/\/127\.0\.0\.1:\d+\/classify: Ingress → Preprocess → Model .* → Postprocess$/m);

  const load = new RegExp(`^load: ${requests} requests, 16 at a time: (\\d+) answered, (\\d+) failed in ${num} s, ${num} req/s$`, 'm').exec(stdout);
  assert.ok(load, stdout);
  assert.equal(Number(load[1]), requests, 'every request answered');
  assert.equal(Number(load[2]), 0);
  assert.ok(Math.abs(Number(load[4]) - requests / Number(load[3])) <= 0.02 * Number(load[4]) + 1, 'req/s = answered / seconds');
  const lat = new RegExp(`^latency: mean ${num} ms, p50 ${num} ms, p90 ${num} ms, p99 ${num} ms, max ${num} ms$`, 'm').exec(stdout);
  assert.ok(lat, stdout);
  const [mean, p50, p90, p99, max] = lat.slice(1).map(Number) as [number, number, number, number, number];
  assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max && mean <= max, `percentiles in order: ${lat[0]}`);
  // Little's law for a closed loop: 16 in flight = throughput × mean latency (less while the last requests finish).
  const inFlight = (Number(load[4]) * mean) / 1000;
  assert.ok(inFlight > 8 && inFlight <= 16.5, `throughput × mean latency = ${inFlight.toFixed(1)}, not about 16`);

  const batches = new RegExp(`^batches: (\\d+) run by (\\d+) Model replica\\(s\\) \\(requests per replica .*\\); mean size ${num}, largest (\\d+)$`, 'm').exec(stdout);
  assert.ok(batches, stdout);
  assert.ok(Number(batches[1]) < requests && Number(batches[4]) > 1 && Number(batches[4]) <= 32, `batches of more than one request: ${batches[0]}`);
  assert.ok(Math.abs(Number(batches[3]) - requests / Number(batches[1])) < 0.01, 'mean size = requests / batches');
  assert.match(stdout, /^batch sizes: 1: \d+, 2-3: \d+, 4-7: \d+, 8-15: \d+, 16\+: \d+$/m);

  assert.match(stdout, new RegExp(`^answers: ${requests} of ${requests} match onnxruntime called in the driver`, 'm'));
  assert.match(stdout, /^bad request: HTTP 400 \{"error":"BadRequestError: readings\[0\]\.vibration must be a finite number"\}$/m);
  assert.match(stdout, /^bad request: HTTP 400 \{"error":"BadRequestError: the body must be JSON/m);

  assert.match(stdout, /^Model replicas, running\/target \(serve\.status every 200 ms\): [\d.]+ s 1\/1, .*load ended/m);
  const auto = /^autoscaling: up to (\d+) replicas under load, back to 1 ([\d.]+) s after the load ended$/m.exec(stdout);
  assert.ok(auto, `Model scaled up and back down:\n${stdout}`);
  assert.equal(Number(auto[1]), 2);
  assert.ok(Number(auto[2]) >= 3, 'not long before downscaleDelayS (5 s): the wish to scale down may start as the last requests finish');
});
