import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadContest } from '../../src/config.ts';
import { deleteEntriesOfMessage, recordEntries, type RecordEntriesInput } from '../../src/entries/record-entries.ts';
import { unitProgress } from '../../src/entries/unit-progress.ts';
import type { FormFields } from '../../src/extract/form-types.ts';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { getEntry, listEntries, type StoredEntry } from '../../src/store/entries-repo.ts';
import { insertMessage } from '../../src/store/messages-repo.ts';
import { addUnitAlias, listUnitAliases } from '../../src/store/units-repo.ts';
import { matchUnit } from '../../src/validate/unit-match.ts';
import { validateRegistration, validateSummary } from '../../src/validate/validate-entry.ts';

const contest = loadContest('config');
const NOW = new Date('2024-10-01T00:00:00Z');
const VIDEO = 'https://www.douyin.com/video/7301234567890123456';

let dir: string;
let db: Db;
let seq = 0;
/** What each message was recorded from, so a test can record it again as `reprocess` does. */
const recorded = new Map<number, RecordEntriesInput>();

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-entries-'));
  db = openDatabase(dir);
  recorded.clear();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function storeMessage(from: string, at: string, kind: 'individual' | 'unit_summary', subject: string): number {
  seq++;
  return insertMessage(db, {
    contentHash: `hash-${seq}`, messageId: `<m${seq}@example.com>`, mailbox: 'INBOX', uidValidity: 1, uid: seq, sourceFile: null,
    fromAddress: from, fromName: null, replyTo: null, subject, receivedAt: new Date(at), size: 2048, kind, kindReason: 'test',
    status: 'ok', problems: [], error: null, headersKey: `headers/${seq}`, textKey: null, htmlKey: null, attachments: [],
  }, NOW);
}

function record(input: RecordEntriesInput): StoredEntry[] {
  recorded.set(input.messageId, input);
  return db.transaction(() => recordEntries(db, input, NOW))();
}

const person = (over: FormFields): FormFields => ({
  name: '陈晓东', occupation: '摄影爱好者', unit: '温州市第二中学', title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/',
  phone: '13857712345', address: '温州市鹿城区解放街 88 号', intro: '记录五马街苏醒的清晨。', ...over,
});

/** An individual's mail with one registration form; `unitName` when a unit forwarded it. */
function individual(from: string, at: string, fields: FormFields, unitName: string | null = null): { messageId: number; entry: StoredEntry } {
  const receivedAt = new Date(at);
  const messageId = storeMessage(from, at, 'individual', `最美in温州+${fields.title ?? ''}+${fields.name ?? ''}`);
  const draft = validateRegistration({ kind: 'registration', fields, source: { filename: '登记表.docx', partId: '2', format: 'docx' } },
    { contest, subject: null, receivedAt, kind: 'individual' });
  const [entry] = record({ messageId, sender: from, receivedAt, kind: 'individual', unitName, unitText: unitName, drafts: [draft] });
  return { messageId, entry: entry! };
}

interface Row { title: string; link: string; name?: string; phone?: string; ne?: string }

/** A unit's summary form; the unit is matched the way the pipeline does, with the stored aliases. */
function summary(from: string, at: string, unit: string, rows: Row[]): { messageId: number; entries: StoredEntry[] } {
  const receivedAt = new Date(at);
  const messageId = storeMessage(from, at, 'unit_summary', `${unit}推荐作品汇总`);
  const drafts = validateSummary({
    kind: 'summary', unit, contact: '李主任', contactPhone: '0577-88123456',
    rows: rows.map((r, i) => ({
      row: i + 3,
      fields: { title: r.title, name: r.name ?? `作者${i + 1}`, unit: '鹿城区融媒体中心', link: r.link, ...(r.phone === '' ? {} : { phone: r.phone ?? '13905770001' }) },
      ...(r.ne ? { newEmployment: r.ne } : {}),
    })),
    source: { filename: '推荐汇总表.xlsx', partId: '2', format: 'xlsx' },
  }, { contest, subject: null, receivedAt, kind: 'unit_summary' });
  const unitName = matchUnit(unit, contest.units, listUnitAliases(db))?.unit.name ?? null;
  return { messageId, entries: record({ messageId, sender: from, receivedAt, kind: 'unit_summary', unitName, unitText: unit, drafts }) };
}

function snapshot(): unknown[] {
  return db.prepare('SELECT id, status, duplicate_of, supersedes, merged, credited_unit, problems FROM entries ORDER BY id').all();
}

const progressOf = (name: string, aliases = listUnitAliases(db)) => unitProgress(db, contest, aliases).units.find((u) => u.name === name)!;

describe('recording entries', () => {
  it('refuses to run outside the caller’s transaction', () => {
    const messageId = storeMessage('a@163.com', '2024-05-01T02:00:00Z', 'individual', 'x');
    expect(() => recordEntries(db, { messageId, sender: 'a@163.com', receivedAt: new Date(), kind: 'individual', unitName: null, drafts: [] }, NOW))
      .toThrow(/inside the transaction/);
  });

  it('stores the draft’s values with the message, sender and arrival', () => {
    const { messageId, entry } = individual('Chen.XD@163.com', '2024-05-01T02:00:00Z', person({ phone: '138 5771 2345', name: '陈晓东、林小雨' }));
    expect(entry).toMatchObject({
      messageId, sourceRow: null, form: 'registration', sender: 'chen.xd@163.com', status: 'valid', title: '五马街的清晨',
      authors: ['陈晓东', '林小雨'], links: ['https://v.douyin.com/iRNBxYkq/'], primaryLink: 'https://v.douyin.com/iRNBxYkq/',
      phone: '13857712345', problems: [], duplicateOf: null, supersedes: null, recommendedByUnit: null, creditedUnit: null,
      receivedAt: '2024-05-01T02:00:00.000Z', createdAt: NOW.toISOString(),
    });
  });

  it('keeps a form with problems as status problems', () => {
    const { entry } = individual('a@163.com', '2024-05-01T02:00:00Z', person({ phone: '' }));
    expect(entry.status).toBe('problems');
    expect(entry.problems.map((p) => p.code)).toEqual(['missing_field']);
  });
});

describe('the same work twice', () => {
  it('duplicate_work: the same Douyin work from another sender is linked to the first and counted once', () => {
    const first = individual('chen@163.com', '2024-05-01T02:00:00Z', person({ link: `${VIDEO}?previous_page=app_code_link` }));
    const second = individual('lin@qq.com', '2024-05-03T02:00:00Z',
      person({ name: '林小雨', link: '复制打开抖音 https://www.iesdouyin.com/share/video/7301234567890123456/?region=CN' }));
    expect(second.entry).toMatchObject({ status: 'duplicate', duplicateOf: first.entry.id, merged: false });
    expect(second.entry.problems.map((p) => [p.code, p.field])).toEqual([['duplicate_work', 'link']]);
    expect(second.entry.problems[0]!.message).toContain('此前已由其他人或单位报送');
    expect(getEntry(db, first.entry.id)).toMatchObject({ status: 'valid', problems: [] });
    expect(listEntries(db).filter((e) => e.status === 'valid').map((e) => e.primaryLink)).toEqual([VIDEO]);
  });

  it('supersede: a later mail from the same sender for the same title replaces the earlier version, keeping history', () => {
    const v1 = individual('chen@163.com', '2024-05-01T02:00:00Z', person({ phone: '' }));
    const v2 = individual('CHEN@163.com', '2024-05-02T02:00:00Z', person({ title: '《五马街的清晨》' }));
    expect(getEntry(db, v1.entry.id)).toMatchObject({ status: 'superseded', duplicateOf: null });
    expect(v2.entry).toMatchObject({ status: 'valid', supersedes: v1.entry.id });
    // A re-uploaded video: same title, new link, still the same work.
    const v3 = individual('chen@163.com', '2024-05-04T02:00:00Z', person({ link: 'https://v.douyin.com/NewUpl0ad/' }));
    expect(getEntry(db, v2.entry.id)!.status).toBe('superseded');
    expect(v3.entry).toMatchObject({ status: 'valid', supersedes: v2.entry.id });
    expect(listEntries(db)).toHaveLength(3);
  });

  it('supersede: same link, new title from the same sender', () => {
    const v1 = individual('chen@163.com', '2024-05-01T02:00:00Z', person({}));
    const v2 = individual('chen@163.com', '2024-05-02T02:00:00Z', person({ title: '五马街的早晨' }));
    expect(getEntry(db, v1.entry.id)!.status).toBe('superseded');
    expect(v2.entry).toMatchObject({ status: 'valid', supersedes: v1.entry.id });
  });

  it('a corrected resend keeps the author’s place: a copy sent meanwhile by someone else stays the duplicate', () => {
    const v1 = individual('chen@163.com', '2024-05-01T02:00:00Z', person({ phone: '' }));
    const copy = individual('lin@qq.com', '2024-05-03T02:00:00Z', person({ name: '林小雨' }));
    expect(copy.entry).toMatchObject({ status: 'duplicate', duplicateOf: v1.entry.id });
    const v2 = individual('chen@163.com', '2024-05-05T02:00:00Z', person({}));
    expect(v2.entry).toMatchObject({ status: 'valid', supersedes: v1.entry.id, duplicateOf: null });
    expect(getEntry(db, copy.entry.id)).toMatchObject({ status: 'duplicate', duplicateOf: v2.entry.id });
  });

  it('the author sends again after the unit listed the work: one entry, the author’s latest version, credited to the unit', () => {
    const v1 = individual('chen@163.com', '2024-04-12T01:12:33Z', person({ unit: '温州日报社' }));
    const unit = summary('news@wzrb.com.cn', '2024-06-10T09:45:12Z', '温州日报社', [{ title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/', name: '陈晓东' }]);
    const v2 = individual('chen@163.com', '2024-08-15T00:40:02Z', person({ unit: '温州日报社' }));
    expect(getEntry(db, v1.entry.id)!.status).toBe('superseded');
    expect(getEntry(db, v2.entry.id)).toMatchObject({ status: 'valid', supersedes: v1.entry.id, creditedUnit: '温州日报' });
    expect(getEntry(db, unit.entries[0]!.id)).toMatchObject({ status: 'duplicate', duplicateOf: v2.entry.id, merged: true, problems: [] });
    expect(listEntries(db).filter((e) => e.status === 'valid')).toHaveLength(1);
    expect(progressOf('温州日报').counted).toBe(1);
  });

  it('different works from the same sender stay apart', () => {
    individual('chen@163.com', '2024-05-01T02:00:00Z', person({}));
    individual('chen@163.com', '2024-05-02T02:00:00Z', person({ title: '瓯江夜色', link: 'https://v.douyin.com/OjYeSe1/' }));
    expect(listEntries(db).map((e) => e.status)).toEqual(['valid', 'valid']);
  });

  it('a summary row and the author’s own registration are one entry, and the unit keeps the credit (individual first)', () => {
    const own = individual('chen@163.com', '2024-05-01T02:00:00Z', person({}));
    const unit = summary('wxb@lucheng.gov.cn', '2024-05-05T02:00:00Z', '中共鹿城区委网信办', [
      { title: '五马街的清晨', link: 'v.douyin.com/iRNBxYkq', name: '陈晓东' },
    ]);
    expect(unit.entries[0]).toMatchObject({ status: 'duplicate', duplicateOf: own.entry.id, merged: true, problems: [] });
    expect(getEntry(db, own.entry.id)).toMatchObject({ status: 'valid', creditedUnit: '鹿城区网信办' });
    expect(progressOf('鹿城区网信办').counted).toBe(1);
  });

  it('a summary row and the author’s own registration are one entry (summary first)', () => {
    const unit = summary('wxb@lucheng.gov.cn', '2024-05-01T02:00:00Z', '鹿城区委网信办', [
      { title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/', name: '陈晓东' },
    ]);
    const own = individual('chen@163.com', '2024-05-05T02:00:00Z', person({}));
    expect(own.entry).toMatchObject({ status: 'duplicate', duplicateOf: unit.entries[0]!.id, merged: true, problems: [] });
    expect(getEntry(db, unit.entries[0]!.id)).toMatchObject({ status: 'valid', creditedUnit: '鹿城区网信办' });
    expect(listEntries(db).filter((e) => e.status === 'valid')).toHaveLength(1);
    expect(progressOf('鹿城区网信办').counted).toBe(1);
  });

  it('a second unit claiming the same work is duplicate_work and gets no credit', () => {
    summary('wxb@lucheng.gov.cn', '2024-05-01T02:00:00Z', '鹿城区委网信办', [{ title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/' }]);
    const other = summary('news@wzrb.com.cn', '2024-05-02T02:00:00Z', '温州日报社', [{ title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/' }]);
    expect(other.entries[0]).toMatchObject({ status: 'duplicate', merged: false });
    expect(other.entries[0]!.problems.map((p) => p.code)).toEqual(['duplicate_work']);
    expect(progressOf('鹿城区网信办').counted).toBe(1);
    expect(progressOf('温州日报')).toMatchObject({ counted: 0, silent: false, received: 1 });
  });

  it('a unit re-sending its summary replaces its rows instead of doubling them', () => {
    const rows = [1, 2, 3].map((n) => ({ title: `江心屿的四季（${n}）`, link: `https://v.douyin.com/jxy00${n}/` }));
    const first = summary('wxb@lucheng.gov.cn', '2024-05-01T02:00:00Z', '鹿城区委网信办', [...rows.slice(0, 2), { ...rows[2]!, phone: '' }]);
    // Sent again from a colleague's address, row 3 corrected: still the same unit.
    const again = summary('li@lucheng.gov.cn', '2024-05-02T02:00:00Z', '鹿城区网信办', rows);
    expect(first.entries.map((e) => getEntry(db, e.id)!.status)).toEqual(['superseded', 'superseded', 'superseded']);
    expect(again.entries.map((e) => [e.status, e.supersedes])).toEqual(first.entries.map((e) => ['valid', e.id]));
    expect(progressOf('鹿城区网信办').counted).toBe(3);
  });

  it('two works of one summary with the same title but different authors and links stay apart across re-sends', () => {
    summary('wxb@lucheng.gov.cn', '2024-05-01T02:00:00Z', '鹿城区委网信办', [{ title: '最美温州', link: 'https://v.douyin.com/zmwz001/', name: '周婷' }]);
    summary('wxb@lucheng.gov.cn', '2024-05-02T02:00:00Z', '鹿城区委网信办', [{ title: '最美温州', link: 'https://v.douyin.com/zmwz002/', name: '吴刚' }]);
    expect(listEntries(db).map((e) => e.status)).toEqual(['valid', 'valid']);
  });
});

describe('reprocess', () => {
  it('recording the same message again changes nothing and keeps the ids', () => {
    individual('chen@163.com', '2024-05-01T02:00:00Z', person({}));
    const dup = individual('lin@qq.com', '2024-05-02T02:00:00Z', person({ name: '林小雨' }));
    summary('wxb@lucheng.gov.cn', '2024-05-03T02:00:00Z', '鹿城区委网信办', [{ title: '五马街的清晨', link: 'https://v.douyin.com/iRNBxYkq/' }]);
    const before = snapshot();
    for (const input of [...recorded.values()].reverse()) record(input);
    expect(snapshot()).toEqual(before);
    expect(listEntries(db, { messageId: dup.messageId })[0]!.id).toBe(dup.entry.id);
  });

  it('a message recorded again with fewer forms drops the rows it no longer has', () => {
    const { messageId, entries } = summary('wxb@lucheng.gov.cn', '2024-05-01T02:00:00Z', '鹿城区委网信办', [
      { title: '江心屿', link: 'https://v.douyin.com/jxy001/' }, { title: '南塘', link: 'https://v.douyin.com/nt0001/' },
    ]);
    const input = recorded.get(messageId)!;
    const again = record({ ...input, drafts: input.drafts.slice(0, 1) });
    expect(again.map((e) => e.id)).toEqual([entries[0]!.id]);
    expect(listEntries(db)).toHaveLength(1);
  });

  it('a message recorded again with a corrected link releases the duplicate it caused', () => {
    const first = individual('chen@163.com', '2024-05-01T02:00:00Z', person({}));
    const other = individual('lin@qq.com', '2024-05-02T02:00:00Z', person({ name: '林小雨', title: '瓯江夜色' }));
    expect(other.entry).toMatchObject({ status: 'duplicate', duplicateOf: first.entry.id });
    // Extraction improved: the first form's link was really another video.
    const input = recorded.get(first.messageId)!;
    const corrected = validateRegistration(
      { kind: 'registration', fields: person({ link: 'https://v.douyin.com/Wm5Jq2aB/' }), source: { filename: '登记表.docx', partId: '2', format: 'docx' } },
      { contest, subject: null, receivedAt: input.receivedAt, kind: 'individual' });
    record({ ...input, drafts: [corrected] });
    expect(getEntry(db, other.entry.id)).toMatchObject({ status: 'valid', duplicateOf: null, problems: [] });
  });

  it('deleting the later version brings the earlier one back, and the duplicate it caused is resolved again', () => {
    const v1 = individual('chen@163.com', '2024-05-01T02:00:00Z', person({}));
    const v2 = individual('chen@163.com', '2024-05-02T02:00:00Z', person({ link: 'https://v.douyin.com/NewUpl0ad/' }));
    const other = individual('lin@qq.com', '2024-05-03T02:00:00Z', person({ name: '林小雨', link: 'https://v.douyin.com/NewUpl0ad/' }));
    expect(other.entry).toMatchObject({ status: 'duplicate', duplicateOf: v2.entry.id });
    db.transaction(() => deleteEntriesOfMessage(db, v2.messageId))();
    expect(getEntry(db, v1.entry.id)).toMatchObject({ status: 'valid', supersedes: null });
    expect(getEntry(db, other.entry.id)).toMatchObject({ status: 'valid', duplicateOf: null, problems: [] });
  });
});

describe('unit progress', () => {
  it('counts distinct valid works a unit recommended, with county offices’ new-employment works up to 2024-06-30', () => {
    const rows: Row[] = [
      { title: '外卖小哥的一天', link: 'https://v.douyin.com/ne0001/', ne: '是' },
      { title: '快递驿站的清晨', link: 'https://v.douyin.com/ne0002/', ne: '√' },
      { title: '网约车夜话', link: 'https://v.douyin.com/ne0003/', ne: '是', phone: '' },
      ...[4, 5, 6, 7, 8, 9].map((n) => ({ title: `鹿城风光（${n}）`, link: `https://v.douyin.com/lcfg00${n}/` })),
      { title: '鹿城风光（9）重复', link: 'https://v.douyin.com/lcfg009/' },
    ];
    // 2024-06-30 23:59:59 in Wenzhou: still in time for the new-employment rule.
    summary('wxb@lucheng.gov.cn', '2024-06-30T15:59:59Z', '中共鹿城区委网信办', rows);
    let p = progressOf('鹿城区网信办');
    expect(p).toMatchObject({ category: 'county_office', quota: 10, counted: 8, met: false, silent: false, received: 10 });
    const repeated = listEntries(db).find((e) => e.title === '鹿城风光（9）重复')!;
    expect(repeated).toMatchObject({ status: 'duplicate', merged: false });
    expect(repeated.problems.map((x) => x.message)).toEqual([expect.stringContaining('在本邮件中出现了不止一次')]);
    expect(p.newEmployment).toEqual({ quota: 3, before: '2024-06-30', counted: 2, met: false });

    // 2024-07-01 00:00:00 in Wenzhou: counts for the quota, too late for the new-employment rule.
    summary('wxb@lucheng.gov.cn', '2024-06-30T16:00:00Z', '鹿城区委宣传部', [
      { title: '骑手眼中的鹿城', link: 'https://v.douyin.com/ne0004/', ne: '是' },
      { title: '鹿城风光（10）', link: 'https://v.douyin.com/lcfg010/' },
    ]);
    p = progressOf('鹿城区网信办');
    expect(p).toMatchObject({ counted: 10, met: true, received: 12 });
    expect(p.newEmployment).toEqual({ quota: 3, before: '2024-06-30', counted: 2, met: false });
  });

  it('never credits an individual’s own submission, shows it as “may belong”', () => {
    const own = individual('chen@163.com', '2024-05-01T02:00:00Z', person({ unit: '鹿城区委宣传部' }));
    const p = progressOf('鹿城区网信办');
    expect(p).toMatchObject({ counted: 0, silent: true });
    expect(p.mayBelong).toEqual([{ entryId: own.entry.id, title: '五马街的清晨', authors: ['陈晓东'], status: 'valid' }]);
  });

  it('credits a unit with an individual mail it forwarded', () => {
    individual('news@wzrb.com.cn', '2024-05-01T02:00:00Z', person({}), '温州日报');
    expect(progressOf('温州日报')).toMatchObject({ category: 'media', quota: 5, counted: 1, met: false, silent: false });
  });

  it('lists silent units and the other categories’ quotas', () => {
    const report = unitProgress(db, contest, []);
    expect(report.units).toHaveLength(contest.units.length);
    expect(report.units.every((u) => u.silent && u.counted === 0)).toBe(true);
    expect(report.units.find((u) => u.name === '市公安局')).toMatchObject({ quota: 10, newEmployment: null });
    expect(report.unknown).toEqual([]);
  });

  it('an unknown unit is listed with its raw name, then counts for the unit once an alias is added', () => {
    const { entries } = summary('media@lucheng.gov.cn', '2024-05-01T02:00:00Z', '鹿城区新闻宣传中心', [
      { title: '江心屿', link: 'https://v.douyin.com/jxy001/' }, { title: '南塘', link: 'https://v.douyin.com/nt0001/' },
    ]);
    expect(entries.map((e) => [e.status, e.recommendedByUnit, e.recommenderText])).toEqual([
      ['valid', null, '鹿城区新闻宣传中心'], ['valid', null, '鹿城区新闻宣传中心'],
    ]);
    let report = unitProgress(db, contest, listUnitAliases(db));
    expect(report.unknown).toEqual([{ name: '鹿城区新闻宣传中心', spellings: ['鹿城区新闻宣传中心'], received: 2, counted: 2, entryIds: entries.map((e) => e.id) }]);
    expect(progressOf('鹿城区网信办').silent).toBe(true);

    const added = addUnitAlias(db, ' 鹿城区新闻宣传中心 ', '鹿城区网信办', NOW);
    expect(added).toEqual({ alias: '鹿城区新闻宣传中心', unitName: '鹿城区网信办', addedAt: NOW.toISOString() });
    expect(listUnitAliases(db)).toEqual([added]);
    report = unitProgress(db, contest, listUnitAliases(db));
    expect(report.unknown).toEqual([]);
    expect(progressOf('鹿城区网信办')).toMatchObject({ counted: 2, silent: false });

    // Reprocess after the alias: the rows now carry the unit itself, with the same counts.
    const input = recorded.get(entries[0]!.messageId)!;
    const again = record({ ...input, unitName: matchUnit(input.unitText, contest.units, listUnitAliases(db))!.unit.name });
    expect(again.map((e) => [e.id, e.recommendedByUnit])).toEqual(entries.map((e) => [e.id, '鹿城区网信办']));
    expect(progressOf('鹿城区网信办').counted).toBe(2);
  });
});
