import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmlFile } from '../../src/mailbox/eml-folder-source.ts';
import { ingestMessage } from '../../src/pipeline/ingest-message.ts';
import { listEntries } from '../../src/store/entries-repo.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * One named test per mail in fixtures/mail: what each client really sends, through the real pipeline. The
 * expected values come from the generator's record of what it put in each form (cases.json), not from the code.
 */
interface Case {
  file: string;
  kind: string;
  subject: string;
  description: string;
  form: Record<string, string> | null;
  summary: { unit: string; recommendedBy?: string; rows: { title: string; author: string; link: string; phone: string }[] } | null;
  status?: string;
}
const cases = JSON.parse(readFileSync('fixtures/mail/cases.json', 'utf8')) as Case[];
const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');
const names = (s: string) => s.split(/[、，,]/).map((x) => x.trim()).filter(Boolean);

let app: TestApp;
beforeAll(() => { app = makeTestApp(); });
afterAll(() => app?.dispose());

async function ingest(file: string) {
  const msg = await readEmlFile(path.join('fixtures/mail', file), app.limits);
  const outcome = await ingestMessage(msg, app.deps, { now: new Date('2024-06-01T00:00:00Z') });
  return { msg, outcome, entries: listEntries(app.db, { messageId: outcome.id, includeSuperseded: true }) };
}

describe('the mail corpus: each real client shape, end to end', () => {
  for (const c of cases) {
    it(`${c.file}: ${c.description}`, async () => {
      const { msg, outcome, entries } = await ingest(c.file);
      expect(msg.headers.subject).toBe(c.subject);
      expect(outcome.classification.kind).toBe(c.kind);
      if (c.form) {
        expect(entries).toHaveLength(1);
        const e = entries[0]!;
        expect(e.title).toBe(c.form.title);
        expect(e.authors).toEqual(names(c.form.name!));
        expect(digits(e.phone)).toBe(digits(c.form.phone));
        expect(e.links).toEqual([c.form.link]);
        // Paragraph breaks and tabs inside a value are kept as the document has them.
        const flat = (s: string | null) => (s ?? '').replace(/\s+/g, '');
        if (c.form.address) expect(flat(e.address)).toBe(flat(c.form.address));
        if (c.form.intro) expect(flat(e.intro)).toBe(flat(c.form.intro));
      }
      if (c.summary) {
        expect(entries.map((e) => e.title)).toEqual(c.summary.rows.map((r) => r.title));
        expect(entries.map((e) => e.authors)).toEqual(c.summary.rows.map((r) => names(r.author)));
        expect(entries.map((e) => e.links[0])).toEqual(c.summary.rows.map((r) => r.link));
        expect(entries.map((e) => digits(e.phone))).toEqual(c.summary.rows.map((r) => digits(r.phone)));
        expect(entries.every((e) => e.recommendedByUnit === (c.summary!.recommendedBy ?? '温州日报'))).toBe(true);
      }
      if (!c.form && !c.summary) {
        expect(entries).toEqual([]);
        expect(outcome.status).toBe(c.status ?? 'ignored');
      }
    });
  }
});
