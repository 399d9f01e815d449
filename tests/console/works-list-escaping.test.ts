import { describe, expect, it } from 'vitest';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { WorksPage } from '../../src/console/views/works-page.tsx';
import type { WorkListRow } from '../../src/store/console-repo.ts';

/**
 * The 作品 list writes its rows through hono's `html` template (for speed) and the rest of the page through JSX.
 * Whatever people put in a form's fields, a search box or a unit's name, the page must keep its markup: the same
 * tags with the same attributes as a page of harmless values, and every value back as text. Seeded trials; the
 * failing seed is printed (ESCAPE_SEEDS sets how many).
 */

const PIECES = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "' onmouseover='alert(3)", 'javascript:alert(4)',
  '<svg onload=alert(5)>', '&lt;', '&amp;#60;', '</td></tr></tbody></table>', '<!--', ']]>', '`${x}`', '{{7*7}}', '\u0000', '瓯江', '温州日报', '<'];

function hostile(rng: Rng): string {
  let s = '';
  for (let i = rng.int(1, 4); i > 0; i--) s += rng.pick([rng.pick(PIECES), rng.alnum(rng.int(1, 4)), ' ']);
  return s;
}

const harmless = (rng: Rng) => rng.alnum(rng.int(1, 6));

/** Choices of shape from one generator, values from another: a hostile page and a harmless one differ in values only. */
function row(id: number, shape: Rng, text: () => string): WorkListRow {
  return {
    id, messageId: id, title: text(), authors: [text(), text()], unit: text(), unitText: text(), phone: text(), link: text(),
    status: shape.pick(['valid', 'problems', 'odd']) === 'odd' ? text() : 'valid', problems: [{ code: 'invalid_phone', message: text(), actor: 'submitter' }],
    decision: shape.pick([null, 'accepted']), checkedBy: shape.pick([null, 'x']) && text(), newEmployment: shape.pick([true, false]),
    receivedAt: '2024-05-01T02:03:00Z', sender: text(),
  };
}

function page(seed: number, values: (rng: Rng) => string): { html: string; titles: string[] } {
  const shape = new Rng(seed);
  const valueRng = new Rng(seed + 1_000_000);
  // Each value ends in its own number, so that no two are equal by chance (equal ones would select an option).
  let n = 0;
  const text = () => `${values(valueRng)}${++n}`;
  const rows = Array.from({ length: 5 }, (_, i) => row(i + 1, shape, text));
  const units = [text(), text()];
  // The unit chosen is one offered, in both pages (a value that happened to equal another would select it).
  const query = new URLSearchParams({ q: text(), unit: units[0]!, day: text() });
  const html = String(WorksPage({
    viewer: { name: text(), role: 'organizer', csrf: text() },
    view: { rows, total: 5, offset: 0, limit: 50, query, units, problems: [[text(), text()]], timezone: 'Asia/Shanghai' },
  }));
  return { html, titles: rows.map((r) => r.title!) };
}

/** The page's markup without its values: each tag's name and attribute names, in order. */
function skeleton(html: string): string[] {
  return [...html.matchAll(/<(\/?[a-zA-Z0-9]+)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*\/?>|<|>/g)]
    .map((m) => (m[1] ? `${m[1]}${[...(m[2] ?? '').matchAll(/\s+([a-zA-Z-]+)(?:="[^"]*")?/g)].map((a) => ` ${a[1]}`).join('')}` : `stray ${m[0]}`));
}

describe('the 作品 list escapes what people send', () => {
  it('seeded trials: hostile titles, authors, units, problems, search text and account names keep the page\'s markup and come back as text', () => {
    const seeds = Number(process.env.ESCAPE_SEEDS ?? 200);
    for (let seed = 1; seed <= seeds; seed++) {
      const out = page(seed, hostile);
      const expected = skeleton(page(seed, harmless).html);
      expect(skeleton(out.html), `seed ${seed} (ESCAPE_SEEDS=${seeds})`).toEqual(expected);
      // Every title is on the page as text: decoding the entities gives it back.
      const decoded = out.html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      for (const title of out.titles) expect(decoded, `seed ${seed}`).toContain(title);
    }
  });
});
