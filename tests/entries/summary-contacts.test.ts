import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadContest } from '../../src/config.ts';
import { deleteEntriesOfMessage, recordEntries } from '../../src/entries/record-entries.ts';
import type { ExtractedSummary } from '../../src/extract/form-types.ts';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { insertMessage } from '../../src/store/messages-repo.ts';
import { latestUnitContacts } from '../../src/store/summary-contacts-repo.ts';
import { validateSummary } from '../../src/validate/validate-entry.ts';

/** A unit's contact (issue 14 §4): stored with its summary, replaced on reprocess, the latest summary's per unit. */

const contest = loadContest('config');
const NOW = new Date('2024-10-01T00:00:00Z');
let dir: string;
let db: Db;
let seq = 0;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-contacts-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function summary(unit: string, contact: string | null, phone: string | null, title: string): ExtractedSummary {
  return {
    kind: 'summary', unit, contact, contactPhone: phone, source: { filename: '汇总表.xlsx', partId: '2', format: 'xlsx' },
    rows: [{ row: 4, index: '1', fields: { title, name: '林晓', unit: '干部', link: `https://v.douyin.com/iR${++seq}x/`, phone: '13957712011' } }],
  };
}

function receive(at: string, s: ExtractedSummary, unitName: string | null): number {
  seq++;
  const id = insertMessage(db, {
    contentHash: `hash-${seq}`, messageId: `<m${seq}@example.com>`, mailbox: 'INBOX', uidValidity: 1, uid: seq, sourceFile: null,
    fromAddress: 'unit@example.cn', fromName: null, replyTo: null, subject: '最美in温州+汇总表+单位', receivedAt: new Date(at), size: 2048,
    kind: 'unit_summary', kindReason: 'test', status: 'ok', problems: [], error: null, headersKey: `headers/${seq}`, textKey: null, htmlKey: null, attachments: [],
  }, NOW);
  record(id, at, s, unitName);
  return id;
}

function record(id: number, at: string, s: ExtractedSummary, unitName: string | null): void {
  const drafts = validateSummary(s, { contest, subject: null, receivedAt: new Date(at), kind: 'unit_summary' });
  db.transaction(() => recordEntries(db, { messageId: id, sender: 'unit@example.cn', receivedAt: new Date(at), kind: 'unit_summary', unitName, drafts }, NOW))();
}

describe('the unit\'s contact from its summary header', () => {
  it('is stored with the summary, its phone normalized, and the latest summary of each unit wins', () => {
    const first = receive('2024-06-28T09:00:00Z', summary('平阳县委网信办', '林晓', '0577 - 63712345', '南麂岛的海'), '平阳县网信办');
    receive('2024-06-29T09:00:00Z', summary('温州市体育局', '潘宁', '0577-88961200', '瓯江龙舟赛'), '市体育局');
    expect(latestUnitContacts(db).get('平阳县网信办')).toEqual({ name: '林晓', phone: '0577-63712345', messageId: first, receivedAt: '2024-06-28T09:00:00.000Z' });
    const later = receive('2024-07-10T09:00:00Z', summary('平阳县委网信办', '王芳', '138 5776 1234', '南雁荡山的云'), '平阳县网信办');
    const contacts = latestUnitContacts(db);
    expect(contacts.get('平阳县网信办')).toEqual({ name: '王芳', phone: '13857761234', messageId: later, receivedAt: '2024-07-10T09:00:00.000Z' });
    expect(contacts.get('市体育局')?.name).toBe('潘宁');
  });

  it('an older summary arriving late (a resend from the archive) does not displace the latest', () => {
    receive('2024-07-10T09:00:00Z', summary('平阳县委网信办', '王芳', '13857761234', '南雁荡山的云'), '平阳县网信办');
    receive('2024-06-28T09:00:00Z', summary('平阳县委网信办', '林晓', '0577-63712345', '南麂岛的海'), '平阳县网信办');
    expect(latestUnitContacts(db).get('平阳县网信办')?.name).toBe('王芳');
  });

  it('keeps a phone that is no phone number as written, and a header without contact stores nothing', () => {
    receive('2024-06-28T09:00:00Z', summary('平阳县委网信办', '林晓', '见附件', '南麂岛的海'), '平阳县网信办');
    expect(latestUnitContacts(db).get('平阳县网信办')?.phone).toBe('见附件');
    receive('2024-06-29T09:00:00Z', summary('温州市体育局', null, null, '瓯江龙舟赛'), '市体育局');
    expect(latestUnitContacts(db).has('市体育局')).toBe(false);
  });

  it('reprocessing replaces it, and a message that is no longer a summary takes it away', () => {
    const id = receive('2024-06-28T09:00:00Z', summary('平阳县委网信办', '林晓', '0577-63712345', '南麂岛的海'), '平阳县网信办');
    record(id, '2024-06-28T09:00:00Z', summary('平阳县委网信办', '林晓晓', '0577-63712346', '南麂岛的海'), '平阳县网信办');
    expect(latestUnitContacts(db).get('平阳县网信办')).toMatchObject({ name: '林晓晓', phone: '0577-63712346', messageId: id });
    db.transaction(() => deleteEntriesOfMessage(db, id))();
    expect(latestUnitContacts(db).size).toBe(0);
  });

  it('an unknown unit\'s contact is kept but belongs to no configured unit', () => {
    receive('2024-06-28T09:00:00Z', summary('某某协会', '张三', '13800000000', '南麂岛的海'), null);
    expect(latestUnitContacts(db).size).toBe(0);
    expect((db.prepare('SELECT unit_text, contact_name FROM summary_contacts').all())).toEqual([{ unit_text: '某某协会', contact_name: '张三' }]);
  });
});
