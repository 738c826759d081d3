/**
 * Orchestration with `@ray-ts/core`, two programs:
 *
 * - `crawl` (the default): a parallel web crawler. A generated site of linked pages is served
 *   on loopback, `fetchPage` tasks fetch pages and extract their links (each fresh link
 *   becomes a new task: the crawl fans out), and a `SeenUrls` actor dedupes URLs so every
 *   page is fetched once. Prints the pages crawled, the broken links found and pages/s, and
 *   checks them against the site.
 * - `sort`: a distributed sort of generated 100-byte records (the CloudSort pattern: map
 *   tasks split by key range, reduce tasks sort a range, the shuffle goes through the object
 *   store), validated like valsort, with its throughput and a single-process baseline.
 * - `all`: both, one after the other.
 *
 *   node --conditions=development --import tsx examples/orchestration/main.ts [crawl] [--pages 200] [--latency-ms 20] [--seed 1]
 *   node --conditions=development --import tsx examples/orchestration/main.ts sort [--size 10GB] [--partitions 64] [--baseline-max 2GB] [--object-store-memory 8GB] [--seed 1]
 */
import * as ray from '@ray-ts/core';
import { parseArgs } from 'node:util';
import { fetchPage, SeenUrls, type PageResult } from './crawl.js';
import { generateSite, serveSite } from './site.js';
import { runSort } from './sort.js';
import { parseSize } from './sort-options.js';

/** The crawler: prints what it found and whether it matches the site. */
async function runCrawl(pages: number, latencyMs: number, seed: number): Promise<void> {
  const site = generateSite(pages, seed);
  const served = await serveSite(site, latencyMs);
  // fetchPage holds half a CPU: 2 CPUs fetch 4 pages at a time (the work is mostly waiting).
  await ray.init({ numCpus: 2 });
  console.log(`site: ${site.pages.size - 1} pages and an index page at ${served.origin} (answers delayed ${latencyMs} ms)`);

  const seen = SeenUrls.remote();
  const root = `${served.origin}/`;
  await ray.get(seen.claim.remote([root]));
  const t0 = performance.now();
  let pending = [fetchPage.remote(root, seen)];
  let maxInFlight = 1;
  const results: PageResult[] = [];
  while (pending.length) {
    const [ready, rest] = await ray.wait(pending, { numReturns: 1 });
    pending = rest;
    for (const r of await ray.get(ready)) {
      results.push(r);
      for (const url of r.fresh) pending.push(fetchPage.remote(url, seen)); // fan out
    }
    maxInFlight = Math.max(maxInFlight, pending.length);
  }
  const seconds = (performance.now() - t0) / 1000;
  const { offered, distinct } = await ray.get(seen.stats.remote());

  const ok = results.filter((r) => r.status === 200);
  const broken = results.filter((r) => r.status === 404).map((r) => new URL(r.url).pathname).sort();
  const links = ok.reduce((s, r) => s + r.links, 0);
  const external = ok.reduce((s, r) => s + r.external, 0);
  console.log(`crawled: ${ok.length} pages in ${seconds.toFixed(2)} s (${(ok.length / seconds).toFixed(1)} pages/s; up to ${maxInFlight} fetches queued or running)`);
  console.log(`broken links: ${broken.length} (HTTP 404): ${broken.slice(0, 5).join(', ')}${broken.length > 5 ? ', ...' : ''}`);
  console.log(`links: ${links} on the pages, ${external} to other sites (not followed), ${offered - distinct} duplicates skipped by the SeenUrls actor`);
  const onceEach = served.requests() === results.length && distinct === results.length;
  console.log(`requests to the site: ${served.requests()} (each URL fetched once: ${onceEach ? 'yes' : 'NO'})`);
  const truth = ok.length === site.reachable && broken.length === site.broken && links === site.links && external === site.external;
  console.log(`matches the site's ground truth (${site.reachable} pages, ${site.broken} broken links, ${site.links} links): ${truth ? 'yes' : 'NO'}`);
  ray.shutdown();
  await served.close();
}

if (ray.isMain(import.meta)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      pages: { type: 'string', default: '200' },
      'latency-ms': { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      size: { type: 'string', default: '10GB' },
      partitions: { type: 'string' },
      'baseline-max': { type: 'string', default: '2GB' },
      'object-store-memory': { type: 'string' },
    },
  });
  const what = positionals[0] ?? 'crawl';
  if (positionals.length > 1 || !['crawl', 'sort', 'all'].includes(what)) {
    console.error(`usage: main.ts [crawl|sort|all] [flags]; got '${positionals.join(' ')}'`);
    process.exit(2);
  }
  const seed = Number(values.seed);
  if (what !== 'sort') await runCrawl(Number(values.pages), Number(values['latency-ms']), seed);
  if (what !== 'crawl') {
    const report = await runSort({
      bytes: parseSize('--size', values.size),
      partitions: values.partitions === undefined ? undefined : Number(values.partitions),
      seed,
      baselineMaxBytes: parseSize('--baseline-max', values['baseline-max']),
      objectStoreMemory: values['object-store-memory'] === undefined ? undefined : parseSize('--object-store-memory', values['object-store-memory']),
    });
    if (!report.valid) process.exitCode = 1;
  }
}
