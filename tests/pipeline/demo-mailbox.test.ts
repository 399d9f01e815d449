import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFullJsonExport } from '../../src/exports/json-export.ts';
import { importFiles } from '../../src/pipeline/import-files.ts';
import { reprocessAll } from '../../src/pipeline/reprocess.ts';
import { addUnitAlias } from '../../src/store/units-repo.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

interface Exported {
  messages: { id: number; subject: string; kind: string; status: string; problems: { code: string; field?: string }[] }[];
  entries: { id: number; title: string; authors: string[]; phone: string | null; links: string[]; status: string; problems: { code: string }[];
    source: { messageId: number; row: number | null }; supersedes: number | null; duplicateOf: number | null; newEmployment: boolean; recommendedBy: string | null }[];
  units: { name: string; counted: number; quota: number; met: boolean; silent: boolean; newEmployment?: { counted: number; met: boolean } }[];
}

async function exportAll(app: TestApp): Promise<Exported> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeFullJsonExport(app.db, app.config.contest, out);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Exported;
}

let app: TestApp;
let data: Exported;

beforeAll(async () => {
  app = makeTestApp();
  const r = await importFiles(path.resolve('fixtures/demo-mailbox'), app.deps, app.clock, app.limits);
  expect(r.failed).toEqual([]);
  data = await exportAll(app);
}, 120_000);
afterAll(() => app?.dispose());

const bySubject = (s: string) => data.messages.filter((m) => m.subject === s);
const codes = (m: { problems: { code: string }[] }) => m.problems.map((p) => p.code).sort();
const entry = (title: string, status?: string) => data.entries.find((e) => e.title === title && (!status || e.status === status));

describe('the demo mailbox, end to end (a small real contest)', () => {
  it('sorts every message into its kind', () => {
    const kinds = Object.fromEntries(['individual', 'unit_summary', 'automated', 'not_contest'].map((k) => [k, data.messages.filter((m) => m.kind === k).length]));
    expect(kinds).toEqual({ individual: 16, unit_summary: 2, automated: 3, not_contest: 1 });
    expect(bySubject('系统退信')[0]).toMatchObject({ kind: 'automated', status: 'ignored' });
    expect(bySubject('恭喜！您已获得抖音官方流量扶持名额')[0]).toMatchObject({ kind: 'not_contest', status: 'ignored' });
  });

  it('names exactly what is wrong with each submission', () => {
    expect(codes(bySubject('最美in温州+泰顺廊桥+季文杰')[0]!)).toEqual(['missing_field']);
    expect(bySubject('最美in温州+泰顺廊桥+季文杰')[0]!.problems[0]).toMatchObject({ field: 'phone' });
    expect(codes(bySubject('最美in温州+洞头海岛的日出+黄立新')[0]!)).toEqual(['missing_field']);
    expect(codes(bySubject('最美in温州+瓯江夜色')[0]!)).toEqual(['subject_format']);
    expect(codes(bySubject('最美in温州+温州的桥+邵佳怡')[0]!)).toEqual(['link_not_douyin']);
    expect(codes(bySubject('最美in温州+瓯窑的火+叶晨')[0]!)).toEqual(['intro_too_long']);
    expect(codes(bySubject('抖音大赛报名 三垟湿地的瓯柑')[0]!)).toEqual(['subject_format']);
    expect(codes(bySubject('最美in温州+寒露时节的洞头渔港+郑国强')[0]!)).toEqual(['late']);
    for (const s of ['最美in温州+楠溪江的夏天+林巧巧、王志明', '最美IN温州+南塘街灯会+周婷', '最美in温州+三垟湿地的秋天+潘晓峰', '最美 in 温州＋塘河人家＋吴晓燕']) {
      expect(bySubject(s)[0], s).toMatchObject({ status: 'ok', problems: [] });
    }
  });

  it('reads the fields of the forms as written, in every shape they came in', () => {
    expect(entry('楠溪江的夏天')).toMatchObject({ authors: ['林巧巧', '王志明'], phone: '13906774521', links: ['https://v.douyin.com/iRQm2fLp/'] });
    expect(entry('三垟湿地的秋天')!.phone).toBe('0577-88961234');
    // Typed into the body of the mail, with no phone number.
    expect(entry('洞头海岛的日出')).toMatchObject({ authors: ['黄立新'], phone: null, status: 'problems' });
    // Inside a forwarded mail.
    expect(entry('送件路上的温州')).toMatchObject({ authors: ['郭建平'], status: 'valid', newEmployment: true });
  });

  it('keeps every work once: a resend supersedes, a corrected form replaces the one that lacked a phone', () => {
    const current = data.entries.filter((e) => e.status !== 'superseded');
    const works = current.filter((e) => e.status !== 'duplicate').map((e) => e.title);
    expect(new Set(works).size).toBe(works.length);
    const again = entry('五马街的清晨', 'valid')!;
    expect(data.entries.find((e) => e.id === again.supersedes)).toMatchObject({ title: '五马街的清晨', status: 'superseded' });
    const corrected = entry('泰顺廊桥', 'valid')!;
    expect(corrected.phone).toBe('15888201765');
    expect(data.entries.find((e) => e.id === corrected.supersedes)).toMatchObject({ status: 'superseded', phone: null });
  });

  it("counts each directed unit's works against its quota", () => {
    const unit = (name: string) => data.units.find((u) => u.name === name)!;
    expect(unit('温州日报')).toMatchObject({ counted: 3, quota: 5, met: false, silent: false });
    expect(unit('鹿城区网信办')).toMatchObject({ counted: 10, quota: 10, met: true, newEmployment: { counted: 3, met: true } });
    // 瓯海区委网信办 forwarded a courier's registration: it counts for the office.
    expect(unit('瓯海区网信办')).toMatchObject({ counted: 1, newEmployment: { counted: 1, met: false } });
    expect(unit('市公安局')).toMatchObject({ counted: 0, silent: true });
  });

  it('gives the same result when reprocessed from the archive', async () => {
    const before = JSON.stringify(await exportAll(app));
    const r = await reprocessAll(app.deps, app.clock);
    expect(r).toMatchObject({ reprocessed: 22, changed: 0, failed: [] });
    const after = await exportAll(app);
    const strip = (x: Exported) => JSON.stringify({ ...x, messages: x.messages.map((m) => ({ ...m, processedAt: undefined })) });
    expect(strip(after)).toBe(strip(JSON.parse(before) as Exported));
  });

  it('an unknown unit becomes known after an alias and a reprocess', async () => {
    const other = makeTestApp();
    try {
      const summary = path.resolve('fixtures/demo-mailbox/08-coremail-wzrb-summary.eml');
      // Pretend 温州日报 is not configured under that name: the organizers map it by hand.
      other.config.contest.units = other.config.contest.units.map((u) => (u.name === '温州日报' ? { ...u, name: '温州日报报业集团', aliases: [] } : u));
      await importFiles(summary, other.deps, other.clock, other.limits);
      let d = await exportAll(other);
      expect(codes(d.messages[0]!)).toContain('unknown_unit');
      expect(d.messages[0]!.status).toBe('needs_person');
      addUnitAlias(other.db, '温州日报社', '温州日报报业集团', new Date());
      await reprocessAll(other.deps, other.clock);
      d = await exportAll(other);
      expect(codes(d.messages[0]!)).not.toContain('unknown_unit');
      expect(d.units.find((u) => u.name === '温州日报报业集团')!.counted).toBe(3);
    } finally {
      other.dispose();
    }
  });
});
