import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDigestData } from '../../src/digest/collect-digest.ts';
import type { DigestData } from '../../src/digest/digest-data.ts';
import { renderDigest } from '../../src/digest/render-digest.ts';
import { CONTEST, tempDb, type TempDb } from '../helpers/store-helpers.ts';
import { buildDigestFixture, DAY, DIGEST_NOW } from './digest-fixture.ts';

/**
 * The digest as a phone shows it, in real Chromium: laid out at 390 px (an iPhone's width) nothing overflows, and no
 * figure (a count, a day count, 3/5, a time) is broken across two lines. Screenshots at 390 and 1280 px are kept in
 * test-artifacts/.
 */

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');
const PHONE = 390;

let t: TempDb;
let work: string;
let html: string;
beforeAll(async () => {
  t = tempDb('ci-digest-browser-');
  await buildDigestFixture(t.db);
  const data: DigestData = readDigestData(t.db, CONTEST, DAY, { webBaseUrl: 'https://zmwz.example.cn' });
  // The worst a sender can do to the layout: one unbroken 400-character title and a 200-character address.
  data.waiting.unshift({ ...data.waiting[0]!, title: 'W'.repeat(400), sender: `${'x'.repeat(200)}@example.com`, problems: ['长'.repeat(300)] });
  html = renderDigest(data, DIGEST_NOW).html;
  work = mkdtempSync(path.join(tmpdir(), 'ci-chromium-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(() => {
  t.dispose();
  rmSync(work, { recursive: true, force: true });
});

const chrome = async (args: string[], profile: string) => run(CHROMIUM, [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', `--user-data-dir=${profile}`, ...args,
], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });

async function screenshot(width: number): Promise<Buffer> {
  const page = path.join(work, `digest-${width}.html`);
  writeFileSync(page, html);
  const shot = path.join(ARTIFACTS, `digest-2024-06-10-${width}px.png`);
  rmSync(shot, { force: true });
  await chrome([`--window-size=${width},2400`, '--hide-scrollbars', `--screenshot=${shot}`, `file://${page}`], path.join(work, `p${width}`));
  return readFileSync(shot);
}

describe('the digest in a real browser', () => {
  it('takes screenshots at 390 and 1280 px (kept in test-artifacts/)', async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium is needed: apt-get install -y --no-install-recommends chromium').toBe(true);
    for (const width of [PHONE, 1280]) {
      const png = await screenshot(width);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(width); // IHDR width
      expect(png.length).toBeGreaterThan(20_000); // a rendered page, not a blank one
    }
  });

  it(`fits a ${PHONE} px phone: nothing overflows and no figure is broken across lines`, async () => {
    // Headless --dump-dom will not go below a 500 px window, so the digest is laid out in a 390 px box and measured
    // there. The probe script is the test's; the digest has none.
    const probe = html.replace(/<body([^>]*)>/, `<body$1><div id="phone" style="width:${PHONE}px">`)
      .replace('</body>', `</div><script>
        const box = document.getElementById('phone');
        const right = Math.max(...[...box.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right));
        const FIGURE = /\\d[\\d,.:/%*-]*(?: \\d[\\d:]*)?(?: ?(?:天|件|个|封|条|项|名|页))?/g;
        const broken = [];
        let figures = 0;
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          // Links and addresses may break anywhere (they are not figures); the rest is measured.
          if (node.parentElement.closest('a') || /http|@/.test(node.data)) continue;
          for (const m of node.data.matchAll(FIGURE)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            figures += 1;
            if (tops.size > 1) broken.push(m[0]);
          }
        }
        document.body.setAttribute('data-layout', JSON.stringify({ right, scroll: box.scrollWidth, broken, figures }));
      </script></body>`);
    const page = path.join(work, 'probe.html');
    writeFileSync(page, probe);
    const { stdout } = await chrome(['--window-size=800,1600', '--dump-dom', `file://${page}`], path.join(work, 'probe'));
    const layout = JSON.parse(parse(stdout).querySelector('body')!.getAttribute('data-layout')!) as { right: number; scroll: number; broken: string[]; figures: number };
    expect(layout.scroll).toBeLessThanOrEqual(PHONE);
    expect(layout.right).toBeLessThanOrEqual(PHONE + 0.5);
    expect(layout.figures).toBeGreaterThan(100);
    expect(layout.broken).toEqual([]);
  });
});
