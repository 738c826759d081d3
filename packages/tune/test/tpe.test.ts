import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BasicVariantGenerator, ConcurrencyLimiter, SearchSpaceError, SUGGEST_LATER, TPESearcher, Tuner, tune, type Searcher } from '../src/index.js';
import { bowl } from './fixtures/trainables.js';

type Objective = (c: Record<string, unknown>) => number;

/** Runs a searcher sequentially (suggest → evaluate → complete) and returns the best loss. */
function bestLoss(searcher: Searcher, space: Record<string, unknown>, f: Objective, n: number): number {
  searcher.setup({ paramSpace: space, numSamples: n, metric: 'loss', mode: 'min' });
  let best = Infinity;
  for (let i = 0; ; i++) {
    const c = searcher.suggest(`t${i}`);
    if (c === null) break;
    assert.notEqual(c, SUGGEST_LATER);
    const loss = f(c as Record<string, unknown>);
    best = Math.min(best, loss);
    searcher.onTrialComplete(`t${i}`, { loss });
  }
  return best;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const seeds = [1, 2, 3, 4, 5, 6];

test('TPE beats random search on a 2-D quadratic (same samples, same seeds)', { timeout: 30_000 }, () => {
  const space = { x: tune.uniform(-10, 10), y: tune.uniform(-10, 10) };
  const f: Objective = (c) => ((c.x as number) - 3) ** 2 + ((c.y as number) + 1) ** 2;
  const tpe = seeds.map((seed) => bestLoss(new TPESearcher({ seed, nInitialPoints: 10 }), space, f, 60));
  const rnd = seeds.map((seed) => bestLoss(new BasicVariantGenerator({ seed }), space, f, 60));
  assert.ok(mean(tpe) < mean(rnd) / 2, `TPE mean best ${mean(tpe).toFixed(4)} vs random ${mean(rnd).toFixed(4)}`);
  assert.ok(tpe.filter((v, i) => v < rnd[i]!).length >= 4, `TPE wins on most seeds: ${tpe.map((v, i) => `${v.toFixed(3)}/${rnd[i]!.toFixed(3)}`).join(' ')}`);
});

test('TPE on log, quantized, integer and categorical domains', { timeout: 30_000 }, () => {
  const space = { lr: tune.loguniform(1e-5, 1), width: tune.qloguniform(8, 512, 8), k: tune.randint(0, 20), act: tune.choice(['a', 'b', 'c']), fixed: { keep: 1 } };
  const f: Objective = (c) => (Math.log10(c.lr as number) + 3) ** 2 + (Math.log2(c.width as number) - 6) ** 2 + Math.abs((c.k as number) - 7) / 2 + (c.act === 'b' ? 0 : 3);
  const tpe = seeds.map((seed) => bestLoss(new TPESearcher({ seed }), space, f, 50));
  const rnd = seeds.map((seed) => bestLoss(new BasicVariantGenerator({ seed }), space, f, 50));
  assert.ok(mean(tpe) < mean(rnd), `TPE ${mean(tpe).toFixed(3)} vs random ${mean(rnd).toFixed(3)}`);
  const s = new TPESearcher({ seed: 9, nInitialPoints: 3 });
  s.setup({ paramSpace: space, numSamples: 30, metric: 'loss', mode: 'min' });
  for (let i = 0; i < 30; i++) {
    const c = s.suggest(`t${i}`) as Record<string, number | string | object>;
    assert.ok((c.lr as number) >= 1e-5 && (c.lr as number) <= 1);
    assert.ok((c.width as number) % 8 === 0 && (c.width as number) >= 8 && (c.width as number) <= 512);
    assert.ok(Number.isInteger(c.k) && (c.k as number) >= 0 && (c.k as number) < 20);
    assert.ok(['a', 'b', 'c'].includes(c.act as string));
    assert.deepEqual(c.fixed, { keep: 1 });
    s.onTrialComplete(`t${i}`, { loss: f(c) });
  }
  assert.equal(s.suggest('end'), null, 'numSamples reached');
});

test('TPE is reproducible with a seed, max mode flips the objective, bad spaces are rejected', () => {
  const space = { x: tune.uniform(0, 1) };
  const run = (seed: number) => {
    const s = new TPESearcher({ seed, nInitialPoints: 2 });
    s.setup({ paramSpace: space, numSamples: 8, metric: 'acc', mode: 'max' });
    const xs: number[] = [];
    for (let i = 0; i < 8; i++) {
      const c = s.suggest(`t${i}`) as { x: number };
      xs.push(c.x);
      s.onTrialComplete(`t${i}`, { acc: c.x });
    }
    return xs;
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
  assert.ok(mean(run(5).slice(4)) > 0.5, 'later suggestions move towards large x');
  assert.throws(() => new TPESearcher({ seed: 1 }).setup({ paramSpace: { a: tune.gridSearch([1, 2]) }, numSamples: 1, metric: 'l', mode: 'min' }), SearchSpaceError);
  assert.throws(() => new TPESearcher().setup({ paramSpace: {}, numSamples: 1 }), /needs a metric and a mode/);
  assert.throws(() => new TPESearcher({ gamma: 1 }), /gamma must be in \(0, 1\)/);
  assert.throws(() => new ConcurrencyLimiter(new TPESearcher(), { maxConcurrent: 0 }), /maxConcurrent must be an integer >= 1/);
});

test('ConcurrencyLimiter holds suggestions back while maxConcurrent trials are live', () => {
  const lim = new ConcurrencyLimiter(new BasicVariantGenerator({ seed: 1 }), { maxConcurrent: 2 });
  lim.setup({ paramSpace: { x: tune.uniform(0, 1) }, numSamples: 3 });
  assert.ok(typeof lim.suggest('a') === 'object');
  assert.ok(typeof lim.suggest('b') === 'object');
  assert.equal(lim.suggest('c'), SUGGEST_LATER);
  lim.onTrialComplete('a', {});
  assert.ok(typeof lim.suggest('c') === 'object');
  lim.onTrialComplete('b', {});
  assert.equal(lim.suggest('d'), null);
});

const storagePath = mkdtempSync(join(tmpdir(), 'tune-tpe-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('TPE with ConcurrencyLimiter in a sweep: never more than maxConcurrent trials at once', { timeout: 90_000 }, async () => {
  const log = join(storagePath, 'bowl.log');
  const limiter = new ConcurrencyLimiter(new TPESearcher({ seed: 3, nInitialPoints: 4 }), { maxConcurrent: 1 });
  const grid = await new Tuner(bowl, {
    paramSpace: { x: tune.uniform(-10, 10), y: tune.uniform(-10, 10), log },
    tuneConfig: { metric: 'loss', mode: 'min', numSamples: 10, maxConcurrentTrials: 2, searchAlg: limiter },
    runConfig: { name: 'tpe', storagePath },
  }).fit();
  assert.equal(grid.length, 10);
  assert.equal(grid.numErrors, 0);
  assert.equal(limiter.maxLiveSeen, 1);
  // The trainables' own log: every trial ends before the next one starts.
  let open = 0;
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    open += line.startsWith('start') ? 1 : -1;
    assert.ok(open <= 1, 'two trials ran at once');
  }
  assert.ok(grid.getBestResult().metrics!.loss as number < 50);
});

test('TPE state survives save/restore (as in experiment_state.json)', () => {
  const space = { x: tune.uniform(0, 1) };
  const a = new TPESearcher({ seed: 4, nInitialPoints: 2 });
  a.setup({ paramSpace: space, numSamples: 6, metric: 'loss', mode: 'min' });
  for (let i = 0; i < 3; i++) a.onTrialComplete(`t${i}`, { loss: (a.suggest(`t${i}`) as { x: number }).x });
  const state = JSON.parse(JSON.stringify(a.save()));
  const b = new TPESearcher({ seed: 4 });
  b.setup({ paramSpace: space, numSamples: 6, metric: 'loss', mode: 'min' });
  b.restore(state);
  let n = 0;
  while (b.suggest(`r${n}`) !== null) n++;
  assert.equal(n, 3, 'the configs not handed out yet');
  assert.throws(() => b.restore([]), /needs the state saved by TPESearcher.save/);
});
