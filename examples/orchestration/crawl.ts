/**
 * The crawler's remote parts: `SeenUrls`, an actor that dedupes URLs (each URL is claimed by
 * the first task that finds it), and `fetchPage`, a task that fetches one page, extracts its
 * links, normalises them (absolute, no `#fragment`), and asks the actor which are new.
 * Defined at the top level of a module: workers import it to find them.
 */
import * as ray from '@ray-ts/core';

/** Records every URL seen; hands each out once. */
export class UrlSet {
  private readonly seen = new Set<string>();
  private offered = 0;

  /** Marks `urls` seen; returns those not seen before (in order, each once). */
  claim(urls: string[]): string[] {
    const fresh: string[] = [];
    for (const u of urls) {
      this.offered++;
      if (!this.seen.has(u)) {
        this.seen.add(u);
        fresh.push(u);
      }
    }
    return fresh;
  }

  /** URLs offered in all, and distinct ones. */
  stats(): { offered: number; distinct: number } {
    return { offered: this.offered, distinct: this.seen.size };
  }
}

/** The deduping actor: one for the whole crawl. */
export const SeenUrls = ray.remote(UrlSet);

/** What one fetch found. */
export interface PageResult {
  readonly url: string;
  readonly status: number;
  /** Links on the page (every `<a href>`). */
  readonly links: number;
  /** Links to other sites (not followed). */
  readonly external: number;
  /** Same-site URLs first found on this page: the next tasks to run. */
  readonly fresh: string[];
}

const HREF = /<a\s[^>]*href="([^"]*)"/gi;

/** The same-site links of `html` (found at `base`), normalised; and how many links went elsewhere. */
export function extractLinks(html: string, base: string): { internal: string[]; all: number } {
  const origin = new URL(base).origin;
  const internal: string[] = [];
  let all = 0;
  for (const m of html.matchAll(HREF)) {
    all++;
    const url = new URL(m[1]!, base);
    url.hash = '';
    if (url.origin === origin) internal.push(url.href);
  }
  return { internal, all };
}

/** Fetches `url`; for a page, offers its links to `seen` and returns the fresh ones. */
export const fetchPage = ray.remote(
  async (url: string, seen: ray.ActorHandle<UrlSet>): Promise<PageResult> => {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    if (!res.ok) return { url, status: res.status, links: 0, external: 0, fresh: [] };
    const { internal, all } = extractLinks(body, url);
    const fresh = internal.length ? await ray.get(seen.claim.remote(internal)) : [];
    return { url, status: res.status, links: all, external: all - internal.length, fresh };
  },
  { numCpus: 0.5 },
);
