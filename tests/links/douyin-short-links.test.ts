import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { ExtractedForm } from '../../src/extract/form-types.ts';
import { createShortLinkResolver } from '../../src/links/short-link-resolution.ts';
import { parseEml } from '../../src/mailbox/eml-folder-source.ts';
import { blankForm } from '../../src/replies/blank-form.ts';
import { ingestMessage } from '../../src/pipeline/ingest-message.ts';
import { listEntries } from '../../src/store/entries-repo.ts';
import { getShortLinks } from '../../src/store/short-links-repo.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { eml, fillIn, LIMITS } from '../helpers/store-helpers.ts';

/**
 * DOUYIN_RESOLVE against a local HTTP server that answers as Douyin's short-link redirector does (302 to
 * https://www.iesdouyin.com/share/video/<id>/?…), with the real SQLite cache and the real pipeline.
 */

const VIDEO = '7391234567890123456';
const LONG = `https://www.douyin.com/video/${VIDEO}`;
interface Seen { path: string; at: number; headers: http.IncomingHttpHeaders }
let seen: Seen[] = [];
let server: http.Server;
let origin: string;
const hung = new Set<http.ServerResponse>();

const ROUTES: Record<string, (res: http.ServerResponse) => void> = {
  '/iAbCdEfG/': (res) => res.writeHead(302, { location: `https://www.iesdouyin.com/share/video/${VIDEO}/?region=CN&mid=7391234&u_code=0&did=MS4wLjAB&iid=MS4wLjAB&with_sec_did=1&titleType=title&share_sign=x&share_version=290100&ts=1718000000&from_aid=1128&from_ssr=1`, 'set-cookie': 'ttwid=1%7Cabc; Path=/; HttpOnly' }).end(),
  '/iHopHop1/': (res) => res.writeHead(301, { location: 'https://v.douyin.com/iAbCdEfG/' }).end(),
  '/iUserPg1/': (res) => res.writeHead(302, { location: 'https://www.douyin.com/user/MS4wLjABAAAAx9' }).end(),
  '/iGone404/': (res) => res.writeHead(404).end('not found'),
  '/iBusy503/': (res) => res.writeHead(503).end(),
  '/iBusy5b2/': (res) => res.writeHead(503).end(),
  '/iSlowSlw/': (res) => { hung.add(res); },
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', at: performance.now(), headers: req.headers });
    (ROUTES[req.url ?? ''] ?? ((r: http.ServerResponse) => r.writeHead(404).end()))(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hung) res.destroy();
  server.close();
});

let apps: TestApp[] = [];
afterEach(() => {
  for (const a of apps) a.dispose();
  apps = [];
  seen = [];
});
const app = (env: Record<string, string>) => {
  const a = makeTestApp(env, { now: '2024-06-10T03:00:00Z', douyinOrigin: origin });
  apps.push(a);
  return a;
};

const registration = (link: string): ExtractedForm => ({ kind: 'registration', fields: { name: '陈晓东', link }, source: { filename: null, partId: null, format: 'body-text' } });

describe('resolving Douyin short links (the adapter and its cache)', () => {
  it('a 302 to the share page gives the video id; a second ask is answered from SQLite; no cookie is kept or sent', async () => {
    const a = app({});
    const resolver = createShortLinkResolver(a.db, a.clock, a.log, { hosts: a.config.contest.douyinHosts, origin, minIntervalMs: 0 });
    await resolver.resolveIn([registration('7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 https://v.douyin.com/iAbCdEfG/ Mxm:/')]);
    await resolver.resolveIn([registration('https://v.douyin.com/iAbCdEfG')]);
    expect(seen.map((s) => s.path)).toEqual(['/iAbCdEfG/']);
    expect(seen[0]!.headers.cookie).toBeUndefined();
    const row = getShortLinks(a.db, ['https://v.douyin.com/iAbCdEfG/']).get('https://v.douyin.com/iAbCdEfG/');
    expect(row).toMatchObject({ videoLink: LONG, outcome: 'resolved', checkedAt: '2024-06-10T03:00:00.000Z' });
  });

  it('a short link pointing to another is followed (short links only); a profile, a 404 and a 503 are no video; a silent server times out', async () => {
    const a = app({});
    const resolver = createShortLinkResolver(a.db, a.clock, a.log, { hosts: a.config.contest.douyinHosts, origin, minIntervalMs: 0, timeoutMs: 300 });
    const links = ['iHopHop1', 'iUserPg1', 'iGone404', 'iBusy503', 'iSlowSlw'].map((c) => `https://v.douyin.com/${c}/`);
    const started = performance.now();
    await resolver.resolveIn([{ kind: 'summary', unit: null, contact: null, contactPhone: null, source: { filename: null, partId: null, format: 'xlsx' },
      rows: links.map((link, i) => ({ row: i + 2, fields: { link } })) }]);
    expect(performance.now() - started).toBeLessThan(3_000);
    const rows = getShortLinks(a.db, links);
    expect(links.map((l) => [rows.get(l)?.outcome, rows.get(l)?.videoLink ?? null])).toEqual([
      ['resolved', LONG], ['not_video', null], ['not_video', null], ['failed', null], ['failed', null],
    ]);
    expect(rows.get(links[4]!)?.detail).toMatch(/TimeoutError/);
  });

  it('requests are spaced by the rate limit; past the per-message cap links wait; a failure is asked again only after a day', async () => {
    const a = app({});
    const opts = { hosts: a.config.contest.douyinHosts, origin, minIntervalMs: 300, maxPerMessage: 2 };
    const forms = [registration('https://v.douyin.com/iBusy503/ https://v.douyin.com/iGone404/ https://v.douyin.com/iAbCdEfG/')];
    await createShortLinkResolver(a.db, a.clock, a.log, opts).resolveIn(forms);
    expect(seen.map((s) => s.path)).toEqual(['/iBusy503/', '/iGone404/']);
    // Requests leave at least 300 ms apart; the first also opened the connection, so it may arrive up to that much later.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(250);
    // The same hour: the failed one is not asked again, the one left over is.
    await createShortLinkResolver(a.db, fixedClock('2024-06-10T04:00:00Z'), a.log, opts).resolveIn(forms);
    expect(seen.map((s) => s.path)).toEqual(['/iBusy503/', '/iGone404/', '/iAbCdEfG/']);
    await createShortLinkResolver(a.db, fixedClock('2024-06-11T04:00:00Z'), a.log, opts).resolveIn(forms);
    expect(seen.map((s) => s.path)).toEqual(['/iBusy503/', '/iGone404/', '/iAbCdEfG/', '/iBusy503/']);
  });
});

describe('a redirector that keeps failing (no internet)', () => {
  it('after three failures in a row it is left alone for a pause: the other links wait unchecked and are asked after it', async () => {
    const a = app({});
    const resolver = createShortLinkResolver(a.db, a.clock, a.log, { hosts: a.config.contest.douyinHosts, origin, minIntervalMs: 0, timeoutMs: 200, pauseMs: 500 });
    const link = (c: string) => `https://v.douyin.com/${c}/`;
    await resolver.resolveIn([registration(['iBusy503', 'iSlowSlw', 'iBusy5b2', 'iAbCdEfG'].map(link).join(' '))]);
    expect(seen.map((s) => s.path)).toEqual(['/iBusy503/', '/iSlowSlw/', '/iBusy5b2/']);
    expect(getShortLinks(a.db, [link('iAbCdEfG')]).size).toBe(0);
    await resolver.resolveIn([registration(link('iAbCdEfG'))]);
    expect(seen).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 600));
    await resolver.resolveIn([registration(link('iAbCdEfG'))]);
    expect(seen.map((s) => s.path).slice(3)).toEqual(['/iAbCdEfG/']);
    expect(getShortLinks(a.db, [link('iAbCdEfG')]).get(link('iAbCdEfG'))?.videoLink).toBe(LONG);
  });
});

describe('DOUYIN_RESOLVE through the pipeline: a short and a long link of one work', () => {
  const form = async (link: string) => fillIn(await blankForm(), ['陈晓东', '摄影记者', '温州日报社', '五马街的清晨', link, '13857712345', '温州市鹿城区五马街88号', '清晨的五马街。']);
  async function submit(a: TestApp, from: string, link: string, messageId: string) {
    const raw = eml({ from, messageId, attachments: [{ filename: '参赛登记表.docx', content: await form(link) }] });
    const at = new Date('2024-06-10T03:00:00Z');
    const outcome = await ingestMessage(await parseEml(raw, { fallbackDate: at, limits: LIMITS, receivedAt: at }), a.deps, { now: at });
    return listEntries(a.db, { messageId: outcome.id })[0]!;
  }

  it('on: the author\'s short link and another sender\'s long link are one work: the second is its duplicate', async () => {
    const a = app({ DOUYIN_RESOLVE: 'on' });
    const first = await submit(a, 'chenxd@126.com', '7.89 复制打开抖音，看看【陈晓东的作品】 https://v.douyin.com/iAbCdEfG/ Mxm:/', '<short@126.com>');
    const second = await submit(a, 'friend@qq.com', LONG, '<long@qq.com>');
    expect([first.links, first.status]).toEqual([['https://v.douyin.com/iAbCdEfG/'], 'valid']);
    expect([second.links, second.status, second.duplicateOf, second.problems.map((p) => p.code)]).toEqual([[LONG], 'duplicate', first.id, ['duplicate_work']]);
  });

  it('off (the default): nothing is asked and the two links stay two works; a link that fails to resolve stays as it is', async () => {
    expect(loadConfig({ DATA_DIR: '/tmp', CONFIG_DIR: 'config' }).douyinResolve).toBe(false);
    const off = app({});
    await submit(off, 'chenxd@126.com', 'https://v.douyin.com/iAbCdEfG/', '<a@126.com>');
    expect((await submit(off, 'friend@qq.com', LONG, '<b@qq.com>')).status).toBe('valid');
    expect(seen).toEqual([]);

    const on = app({ DOUYIN_RESOLVE: 'on' });
    await submit(on, 'chenxd@126.com', 'https://v.douyin.com/iBusy503/', '<c@126.com>');
    expect((await submit(on, 'friend@qq.com', LONG, '<d@qq.com>')).status).toBe('valid');
  });

  it('rejects another value of DOUYIN_RESOLVE', () => {
    expect(() => loadConfig({ DATA_DIR: '/tmp', CONFIG_DIR: 'config', DOUYIN_RESOLVE: 'yes' })).toThrow(/DOUYIN_RESOLVE/);
  });
});
