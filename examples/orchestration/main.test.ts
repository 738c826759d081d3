/** Runs the crawler example as its own process (as a user would) and checks its counts against the generated site. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateSite } from './site.js';

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
