import type { ContestConfig } from '../../src/config.ts';
import type { ExtractedForm } from '../../src/extract/form-types.ts';
import type { Db } from '../../src/store/db.ts';
import { recordEntries } from '../../src/entries/record-entries.ts';
import { insertMessage } from '../../src/store/messages-repo.ts';
import { validateForms } from '../../src/validate/validate-entry.ts';
import { personForm } from './people.ts';

/**
 * A contest database of any size, filled through the store's own functions (insertMessage + recordEntries, with
 * drafts from validateForms, so duplicates are resolved as in service): the export/digest scaling and the console's
 * load test use it.
 */
const DAY = 86_400_000;
const FIRST = Date.parse('2024-05-06T02:00:00Z');
const SPAN_DAYS = 120;
const ROWS = 10;

/** `entries` entries: 70% one registration per mail, 30% in unit summaries of ten rows; one in twenty lacks a phone. */
export function fillEntries(db: Db, contest: ContestConfig, entries: number): { messages: number } {
  const summaryEntries = Math.round(entries * 0.3 / ROWS) * ROWS;
  const singles = entries - summaryEntries;
  const mails = singles + summaryEntries / ROWS;
  const units = contest.units;
  let made = 0;
  const insert = db.transaction((from: number, to: number) => {
    for (let m = from; m < to; m++) {
      const receivedAt = new Date(FIRST + Math.floor((m / mails) * SPAN_DAYS * DAY));
      const isSummary = m % Math.max(1, Math.round(mails / Math.max(1, summaryEntries / ROWS))) === 0 && made < summaryEntries / ROWS;
      const unit = units[m % units.length]!;
      let forms: ExtractedForm[];
      if (isSummary) {
        made++;
        forms = [{
          kind: 'summary', unit: unit.name, contact: '联系人', contactPhone: '0577-88000000', source: { filename: 'summary.xlsx', partId: '2', format: 'xlsx' },
          rows: Array.from({ length: ROWS }, (_, k) => {
            const p = personForm(2_000_000 + m * ROWS + k);
            return { row: k + 4, fields: { title: p.title, name: p.name, unit: `${p.occupation}/${unit.name}`, link: p.link, phone: p.phone } };
          }),
        }];
      } else {
        const p = personForm(3_000_000 + m);
        forms = [{
          kind: 'registration', source: { filename: 'form.docx', partId: '2', format: 'docx' },
          fields: { name: p.name, occupation: p.occupation, unit: p.unit, title: p.title, link: p.link, ...(m % 20 === 7 ? {} : { phone: p.phone }), address: p.address, intro: p.intro },
        }];
      }
      const kind = isSummary ? 'unit_summary' : 'individual';
      const drafts = validateForms(forms, { contest, subject: null, receivedAt, kind });
      const problems = drafts.flatMap((d) => d.problems);
      const id = insertMessage(db, {
        contentHash: `bench-${m}`, messageId: `<bench-${m}@example.test>`, mailbox: 'INBOX', uidValidity: 1, uid: m + 1, sourceFile: null,
        fromAddress: `bench${m}@126.com`, fromName: null, replyTo: null, subject: `最美in温州+作品${m}+作者`, receivedAt, size: 10_000,
        kind, kindReason: 'bench', status: problems.length ? 'problems' : 'ok', problems, error: null, headersKey: 'h', textKey: null, htmlKey: null,
        attachments: [{ part: '2', filename: isSummary ? 'summary.xlsx' : 'form.docx', contentType: 'application/octet-stream', size: 5000, inline: false, downloaded: true, skipped: null, sha256: 'x', forwardedFrom: null }],
      }, receivedAt);
      recordEntries(db, { messageId: id, sender: `bench${m}@126.com`, receivedAt, kind, unitName: isSummary ? unit.name : null, drafts }, receivedAt);
    }
  });
  for (let m = 0; m < mails; m += 500) insert.immediate(m, Math.min(mails, m + 500));
  return { messages: mails };
}

