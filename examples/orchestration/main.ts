/**
 * A parallel web crawler: a generated site of linked pages is served on loopback, `fetchPage`
 * tasks fetch pages and extract their links (each fresh link becomes a new task: the crawl
 * fans out), and a `SeenUrls` actor dedupes URLs so every page is fetched once. Prints the
 * pages crawled, the broken links found and pages/s, and checks them against the site.
 *
 *   node --conditions=development --import tsx examples/orchestration/main.ts [--pages 200] [--latency-ms 20] [--seed 1]
 */
import * as ray from '@ray-ts/core';
import { parseArgs } from 'node:util';
import { fetchPage, SeenUrls, type PageResult } from './crawl.js';
import { generateSite, serveSite } from './site.js';

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({
    options: {
      pages: { type: 'string', default: '200' },
      'latency-ms': { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
    },
  });
  const site = generateSite(Number(values.pages), Number(values.seed));
  const served = await serveSite(site, Number(values['latency-ms']));
  // fetchPage holds half a CPU: 2 CPUs fetch 4 pages at a time (the work is mostly waiting).
  await ray.init({ numCpus: 2 });
  console.log(`site: ${site.pages.size - 1} pages and an index page at ${served.origin} (answers delayed ${values['latency-ms']} ms)`);

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
