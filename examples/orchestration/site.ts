/**
 * The site the crawler walks: generated from a seed (so the test knows the ground truth) and
 * served by node:http on loopback. Pages `/page/<i>` link to each other in several spellings
 * of the same URL (`/page/7`, `../page/7`, `/page/7#top`, a full `http://127.0.0.1:<port>/page/7`),
 * so a crawler must normalise and dedupe; some links point to pages that do not exist (404),
 * some to other sites (not followed).
 */
import { createServer, type Server } from 'node:http';

/** One generated page: the hrefs it contains, as written in its HTML. */
export interface Page {
  readonly path: string;
  readonly hrefs: readonly string[];
}

/** A generated site and what a correct crawl from `/` finds. */
export interface Site {
  /** Pages by path (`/` and `/page/<i>`). */
  readonly pages: ReadonlyMap<string, Page>;
  /** Ground truth: pages reachable from `/` (all of them: page i links to page i + 1). */
  readonly reachable: number;
  /** Ground truth: distinct broken same-site URLs linked from reachable pages. */
  readonly broken: number;
  /** Ground truth: links on reachable pages, external ones included. */
  readonly links: number;
  /** Ground truth: links to other sites. */
  readonly external: number;
}

/** xorshift32: a small seeded RNG. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** The four spellings of a link to `target` from a page at `/page/<from>` (all resolve to the same URL). */
function spell(target: string, style: number): string {
  switch (style % 4) {
    case 0: return target;
    case 1: return `..${target}`; // ../page/<i>, relative to /page/<from>
    case 2: return `${target}#top`;
    default: return `{origin}${target}`; // filled in with the server's origin when served
  }
}

/** Generates `numPages` pages (each 3–7 links, ~6% broken, ~4% external) from `seed`. */
export function generateSite(numPages: number, seed = 1): Site {
  const rand = rng(seed);
  const pages = new Map<string, Page>();
  const root = Array.from({ length: Math.min(5, numPages) }, (_, i) => `/page/${i}`);
  pages.set('/', { path: '/', hrefs: root });
  let brokenIds = 0;
  for (let i = 0; i < numPages; i++) {
    const hrefs: string[] = [];
    if (i + 1 < numPages) hrefs.push(`/page/${i + 1}`); // the chain makes every page reachable
    const n = 2 + Math.floor(rand() * 5);
    for (let k = 0; k < n; k++) {
      const r = rand();
      if (r < 0.06) hrefs.push(rand() < 0.5 && brokenIds > 0 ? `/missing/${Math.floor(rand() * brokenIds)}` : `/missing/${brokenIds++}`);
      else if (r < 0.1) hrefs.push(`https://example.com/ref/${Math.floor(rand() * 50)}`);
      else hrefs.push(spell(`/page/${Math.floor(rand() * numPages)}`, Math.floor(rand() * 4)));
    }
    pages.set(`/page/${i}`, { path: `/page/${i}`, hrefs });
  }
  let links = 0;
  let external = 0;
  const broken = new Set<string>();
  for (const p of pages.values()) {
    for (const h of p.hrefs) {
      links++;
      if (h.startsWith('https://')) external++;
      else if (h.startsWith('/missing/')) broken.add(h);
    }
  }
  return { pages, reachable: pages.size, broken: broken.size, links, external };
}

/** The HTML of a page, links spelled as generated (`{origin}` replaced). */
function html(page: Page, origin: string): string {
  const items = page.hrefs.map((h) => `<li><a href="${h.replace('{origin}', origin)}">${h}</a></li>`).join('\n');
  return `<!doctype html>\n<html><head><title>${page.path}</title></head>\n<body><h1 id="top">${page.path}</h1>\n<ul>\n${items}\n</ul></body></html>\n`;
}

/** A running site: its origin (`http://127.0.0.1:<port>`), how many requests it answered, and `close()`. */
export interface ServedSite {
  readonly origin: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Serves `site` on 127.0.0.1 (a free port), each answer delayed by `latencyMs` (a network's round trip). */
export async function serveSite(site: Site, latencyMs = 0): Promise<ServedSite> {
  let requests = 0;
  let origin = '';
  const server: Server = createServer((req, res) => {
    requests++;
    const page = site.pages.get(new URL(req.url ?? '/', origin).pathname);
    setTimeout(() => {
      if (!page) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(page, origin));
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
