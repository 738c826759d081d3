/**
 * Runs the example as its own process (as a user would): the crawler, whose counts are checked
 * against the generated site, and the sort at a small size, whose valsort line and figures are
 * checked against the records generated here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateSite } from './site.js';
import { generateRecords } from './records.js';
import { rowsOf } from './sort-options.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

test('crawler: tasks fan out over a loopback site, an actor dedupes, the counts match the site', { timeout: 90_000 }, async () => {
  const pages = 120;
  // Ground truth straight from the generator (pages as written, not as served).
  const site = generateSite(pages, 3);
  const reachable = new Set<string>(['/']);
  const broken = new Set<string>();
  let links = 0;
  let external = 0;
  let internal = 0;
  for (const queue = ['/']; queue.length; ) {
    for (const href of site.pages.get(queue.shift()!)!.hrefs) {
      links++;
      if (href.startsWith('https://example.com/')) {
        external++;
        continue;
      }
      internal++;
      const path = new URL(href.replace('{origin}', 'http://h'), 'http://h/page/0').pathname;
      if (!site.pages.has(path)) broken.add(path);
      else if (!reachable.has(path)) {
        reachable.add(path);
        queue.push(path);
      }
    }
  }
  assert.ok(broken.size > 0 && external > 0 && internal > reachable.size + broken.size, 'the site has broken links, external links and duplicates');

  // The child is killed before the test's own timeout, so no cluster or server outlives the test.
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--pages', String(pages), '--seed', '3', '--latency-ms', '5'], { timeout: 85_000 });
  assert.match(stdout, new RegExp(`^site: ${pages} pages and an index page at http://127\\.0\\.0\\.1:\\d+ \\(answers delayed 5 ms\\)$`, 'm'));
  const crawled = /^crawled: (\d+) pages in ([\d.]+) s \(([\d.]+) pages\/s; up to (\d+) fetches queued or running\)$/m.exec(stdout);
  assert.ok(crawled, stdout);
  assert.equal(Number(crawled[1]), reachable.size, 'every reachable page (and the index) crawled');
  assert.ok(Number(crawled[3]) > 0 && Math.abs(Number(crawled[3]) - Number(crawled[1]) / Number(crawled[2])) < 0.5, 'pages/s = pages / seconds');
  assert.ok(Number(crawled[4]) > 1, 'the crawl fanned out');
  const brokenLine = /^broken links: (\d+) \(HTTP 404\): (.*)$/m.exec(stdout);
  assert.ok(brokenLine, stdout);
  assert.equal(Number(brokenLine[1]), broken.size);
  for (const p of brokenLine[2]!.replace(', ...', '').split(', ')) assert.ok(broken.has(p), `${p} is a broken link of the site`);
  const dups = internal + 1 - (reachable.size + broken.size); // +1: the driver offers the index itself
  assert.match(stdout, new RegExp(`^links: ${links} on the pages, ${external} to other sites \\(not followed\\), ${dups} duplicates skipped by the SeenUrls actor$`, 'm'));
  assert.match(stdout, new RegExp(`^requests to the site: ${reachable.size + broken.size} \\(each URL fetched once: yes\\)$`, 'm'));
  assert.match(stdout, /^matches the site's ground truth .*: yes$/m);
});

test('sort: 32 MB through map and reduce tasks with a 16 MB store (so it spills); valid, with its throughput and baseline', { timeout: 90_000 }, async () => {
  const records = 320_000;
  const partitions = 8;
  // The input's checksum straight from the generator, as the map tasks must have summed it.
  let checksum = 0n;
  for (let m = 0; m < partitions; m++) {
    const { first, count } = rowsOf(records, partitions, m);
    checksum += generateRecords(1, m, first, count).checksum;
  }
  const hex = `0x${checksum.toString(16)}`;

  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, 'sort', '--size', '32MB', '--partitions', String(partitions), '--object-store-memory', '16MB', '--seed', '1'], { timeout: 85_000 });
  assert.match(stdout, /^sort: 32\.0 MB = 320000 records of 100 bytes \(10-byte keys\), seed 1: 8 map tasks x 8 reduce tasks on \d+ CPUs; object store 16\.0 MB of shared memory, spilling to disk beyond$/m);
  assert.doesNotMatch(stdout, /^site: /m, 'sort alone: no crawl');

  const sorted = /^sorted: 32\.0 MB in ([\d.]+) s: ([\d.]+) GB\/s \(([\d.]+) MB\/s\); map phase ([\d.]+) s, reduce phase ([\d.]+) s$/m.exec(stdout);
  assert.ok(sorted, stdout);
  const [seconds, gbps, mbps, mapS, reduceS] = sorted.slice(1).map(Number) as [number, number, number, number, number];
  assert.ok(seconds > 0 && mbps >= 32 / (seconds + 0.005) - 0.05 && mbps <= 32 / Math.max(seconds - 0.005, 1e-9) + 0.05, 'MB/s = 32 MB / seconds (as printed, rounded)');
  assert.ok(Math.abs(gbps - mbps / 1000) <= 0.0005 + 0.01 * gbps, 'GB/s = MB/s / 1000');
  assert.ok(Math.abs(mapS + reduceS - seconds) <= 0.02, 'map + reduce phases = total');

  const store = /^object store: peak ([\d.]+) MB in shared memory, ([\d.]+) MB spilled to disk at most \(\d+ samples\)$/m.exec(stdout);
  assert.ok(store, stdout);
  assert.ok(Number(store[2]) > 0, '32 MB of ranges and 32 MB of sorted output in a 16 MB store: some spilled');

  assert.match(stdout, new RegExp(`^validation \\(valsort\\): 8 partitions, each sorted: yes; in key order across partitions: yes; records 320000 = input 320000: yes; checksum ${hex} = input ${hex}: yes; duplicate keys: \\d+ \\([\\d.]+ s\\)$`, 'm'));
  assert.match(stdout, /^valid: yes$/m);

  const base = /^baseline: 32\.0 MB \(all 8 partitions\) generated and sorted in one process without ray: ([\d.]+) s, ([\d.]+) GB\/s \(([\d.]+) MB\/s\)$/m.exec(stdout);
  assert.ok(base, stdout);
  const [baseS, baseMbps] = [Number(base[1]), Number(base[3])];
  assert.ok(baseMbps >= 32 / (baseS + 0.005) - 0.05 && baseMbps <= 32 / Math.max(baseS - 0.005, 1e-9) + 0.05, 'baseline MB/s = 32 MB / seconds');
  const ratio = /^ray-ts \/ baseline throughput: ([\d.]+)x \(\d+ CPUs against 1 process\)$/m.exec(stdout);
  assert.ok(ratio, stdout);
  const x = Number(ratio[1]);
  assert.ok(x >= (mbps - 0.05) / (baseMbps + 0.05) - 0.005 && x <= (mbps + 0.05) / (baseMbps - 0.05) + 0.005, 'ratio = ray-ts MB/s / baseline MB/s');
});
