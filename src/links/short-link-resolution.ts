import type { Clock } from '../clock.ts';
import type { ExtractedForm } from '../extract/form-types.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/db.ts';
import { getShortLinks, saveShortLink, type ShortLinkRow } from '../store/short-links-repo.ts';
import { canonicalDouyinLink, readLinkField } from '../validate/douyin-link.ts';
import { askRedirect } from './douyin-redirect.ts';

/**
 * DOUYIN_RESOLVE=on: before a message is recorded, the Douyin short links its forms name are resolved to the
 * work they open and the answers kept in SQLite (douyin_short_links). Recording an entry then adds the resolved
 * video link as a second key (store/entries-repo.ts), so duplicate detection, still the pure rule of
 * validate/resolve-works.ts, sees a short and a long link of one work as one. Anything that fails leaves the link
 * as it is: the service works the same without the internet.
 */

export interface ShortLinkOptions {
  /** The contest's Douyin hosts: a short link is on one starting with `v.`. */
  hosts: string[];
  /** Per request. */
  timeoutMs?: number;
  /** Between two requests: the redirector is asked at most once a second. */
  minIntervalMs?: number;
  /** Requests for one message; links past it stay unresolved until they come again (a unit's long summary). */
  maxPerMessage?: number;
  /** A failed lookup is tried again when its link comes again after this long. */
  retryAfterMs?: number;
  /** Where the short link's host is asked instead (tests: a local server answering as the redirector does). */
  origin?: string;
  /** After this many failures in a row the redirector is left alone for `pauseMs`: a server cut off from the
   * internet must not spend 5 s on every link of every message. */
  failuresBeforePause?: number;
  pauseMs?: number;
}

export interface ShortLinkResolver {
  resolveIn(forms: readonly ExtractedForm[]): Promise<void>;
}

const MAX_HOPS = 3;

/** Canonical short links (https://v.douyin.com/<code>/) named in the forms' link fields, each once. */
export function shortLinksIn(forms: readonly ExtractedForm[], hosts: string[]): string[] {
  const texts = forms.flatMap((f) => (f.kind === 'registration' ? [f.fields.link] : f.rows.map((r) => r.fields.link)));
  const links = texts.flatMap((t) => (t ? readLinkField(t, hosts).works : []));
  return [...new Set(links.filter(isShortLink))];
}

function isShortLink(canonical: string): boolean {
  return new URL(canonical).hostname.startsWith('v.');
}

export function createShortLinkResolver(db: Db, clock: Clock, log: Logger, opts: ShortLinkOptions): ShortLinkResolver {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const minIntervalMs = opts.minIntervalMs ?? 1_000;
  const maxPerMessage = opts.maxPerMessage ?? 30;
  const retryAfterMs = opts.retryAfterMs ?? 24 * 3600_000;
  const failuresBeforePause = opts.failuresBeforePause ?? 3;
  const pauseMs = opts.pauseMs ?? 10 * 60_000;
  let lastRequest = -Infinity;
  let failuresInARow = 0;
  let pausedUntil = -Infinity;

  const ask = async (link: string) => {
    const wait = lastRequest + minIntervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastRequest = performance.now();
    const url = opts.origin ? `${opts.origin.replace(/\/$/, '')}${new URL(link).pathname}` : link;
    return askRedirect(url, timeoutMs);
  };

  /** Follows short links only (a short link may point to another); the first long link names the work. */
  const resolve = async (shortLink: string): Promise<Omit<ShortLinkRow, 'checkedAt'>> => {
    let link = shortLink;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const answer = await ask(link);
      if (answer.kind === 'failed') return { shortLink, videoLink: null, outcome: 'failed', detail: answer.detail };
      if (answer.kind === 'no_redirect') return { shortLink, videoLink: null, outcome: answer.status >= 500 || answer.status === 429 ? 'failed' : 'not_video', detail: `HTTP ${answer.status}` };
      const target = canonicalDouyinLink(answer.location, opts.hosts);
      const detail = `HTTP ${answer.status} ${answer.location}`.slice(0, 300);
      if (!target) return { shortLink, videoLink: null, outcome: 'not_video', detail };
      if (!isShortLink(target)) return { shortLink, videoLink: target, outcome: 'resolved', detail };
      link = target;
    }
    return { shortLink, videoLink: null, outcome: 'not_video', detail: 'too many short-link hops' };
  };

  return {
    async resolveIn(forms) {
      try {
        const links = shortLinksIn(forms, opts.hosts);
        if (!links.length) return;
        const known = getShortLinks(db, links);
        const now = clock().getTime();
        const due = links.filter((l) => {
          const row = known.get(l);
          return !row || (row.outcome === 'failed' && now - Date.parse(row.checkedAt) >= retryAfterMs);
        });
        for (const link of due.slice(0, maxPerMessage)) {
          if (performance.now() < pausedUntil) {
            log.info({ left: due.length }, 'douyin short links not checked: the redirector failed repeatedly, paused');
            return;
          }
          const row = { ...(await resolve(link)), checkedAt: clock().toISOString() };
          saveShortLink(db, row);
          log.info({ shortLink: row.shortLink, outcome: row.outcome, videoLink: row.videoLink }, 'douyin short link checked');
          failuresInARow = row.outcome === 'failed' ? failuresInARow + 1 : 0;
          if (failuresInARow >= failuresBeforePause) pausedUntil = performance.now() + pauseMs;
        }
        if (due.length > maxPerMessage) log.info({ left: due.length - maxPerMessage }, 'douyin short links left for later');
      } catch (err) {
        // Never a reason to lose or delay a message: the links stay as they are.
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'douyin short links not checked');
      }
    },
  };
}
