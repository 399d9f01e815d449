import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractMessage, type ExtractOptions } from '../../src/extract/extract-message.ts';
import { convertWithLibreOffice, findSoffice, officePipePaths } from '../../src/extract/legacy-convert.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import { CHEN, LIN, LUCHENG_ROWS, RUIAN_ROWS, WANG, WZRB_ROWS } from './expected.ts';
import { attachment, contest, fixture, message, timed } from './helpers.ts';

// Real LibreOffice, one temp folder for this file so leftovers and stray processes can be looked for.
const temp = mkdtempSync(path.join(tmpdir(), 'extract-legacy-test-'));
const opts: ExtractOptions = { contest, libreOffice: { tempDir: temp } };
const read = (name: string, o: ExtractOptions = opts) => extractMessage(message({ attachments: [attachment(name)] }), o);
const registrations = (r: Awaited<ReturnType<typeof read>>) => r.forms.map((f) => (f.kind === 'registration' ? f.fields : f.kind));

/** soffice processes started with a profile under this folder. */
function strayProcesses(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(dir));
}

beforeAll(async () => {
  expect(await findSoffice(), 'LibreOffice (soffice) must be installed for these tests').not.toBeNull();
  // One cold start for the whole file: later conversions copy the profile it leaves.
  const warm = await convertWithLibreOffice(fixture('reg-legacy.doc'), 'doc', 'docx', opts.libreOffice);
  expect(warm.ok).toBe(true);
});

afterAll(async () => {
  await closeParsePool();
  rmSync(temp, { recursive: true, force: true });
});

describe('legacy formats through LibreOffice', () => {
  it.concurrent('reg-legacy.doc: a Word 97 .doc made by LibreOffice reads like the .docx original', async () => {
    const result = await read('reg-legacy.doc');
    expect(result.problems).toEqual([]);
    expect(result.forms).toEqual([{ kind: 'registration', fields: CHEN, source: { filename: 'reg-legacy.doc', partId: '2', format: 'doc' } }]);
  });

  it.concurrent('reg-legacy.wps: a WPS-compatible .wps (a .doc inside) is converted and reported as wps', async () => {
    const result = await read('reg-legacy.wps');
    expect(result.forms).toEqual([{ kind: 'registration', fields: CHEN, source: { filename: 'reg-legacy.wps', partId: '2', format: 'wps' } }]);
  });

  it.concurrent('reg-word2003-xml.doc: Word 2003 XML under a .doc name is converted like a .doc', async () => {
    const result = await read('reg-word2003-xml.doc');
    expect(result.forms).toEqual([{ kind: 'registration', fields: CHEN, source: { filename: 'reg-word2003-xml.doc', partId: '2', format: 'doc' } }]);
  });

  it.concurrent('reg-legacy.rtf: an .rtf is converted and read', async () => {
    const result = await read('reg-legacy.rtf');
    expect(result.forms).toEqual([{ kind: 'registration', fields: LIN, source: { filename: 'reg-legacy.rtf', partId: '2', format: 'rtf' } }]);
  });

  it.concurrent('sum-legacy.xls: an Excel 97 summary keeps its rows, row numbers and header', async () => {
    const result = await read('sum-legacy.xls');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: '温州日报社', contact: '张明', contactPhone: '0577-88888888', rows: WZRB_ROWS,
      source: { filename: 'sum-legacy.xls', partId: '2', format: 'xls' },
    }]);
  });

  it.concurrent('sum-legacy.et: a WPS spreadsheet (.et, an .xls inside) is converted and reported as et', async () => {
    const result = await read('sum-legacy.et');
    expect(result.forms.map((f) => f.kind === 'summary' && [f.unit, f.rows.length, f.source.format])).toEqual([['温州日报社', 3, 'et']]);
  });

  it.concurrent('reg-libreoffice.odt: an OpenDocument text (told from .ods by its mimetype entry) is converted and read', async () => {
    const result = await read('reg-libreoffice.odt');
    expect(result.forms).toEqual([{ kind: 'registration', fields: WANG, source: { filename: 'reg-libreoffice.odt', partId: '2', format: 'odt' } }]);
  });

  it.concurrent('sum-libreoffice.ods: an OpenDocument spreadsheet summary keeps its header, rows and 新就业群体 column', async () => {
    const result = await read('sum-libreoffice.ods');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: '鹿城区委网信办', contact: '林巧巧', contactPhone: '13905771234', rows: LUCHENG_ROWS,
      source: { filename: 'sum-libreoffice.ods', partId: '2', format: 'ods' },
    }]);
  });

  it.concurrent('reg-no-styles.docx: a .docx mammoth fails on (no styles.xml) is read after a LibreOffice round trip', async () => {
    const result = await read('reg-no-styles.docx');
    expect(result.problems).toEqual([]);
    expect(registrations(result)).toEqual([CHEN]);
  });

  it.concurrent('sum-prefixed-xml.xlsx: an .xlsx exceljs throws on (x:-prefixed XML, as the .NET SDK writes) is read after a LibreOffice round trip', async () => {
    const result = await read('sum-prefixed-xml.xlsx');
    expect(result.forms).toEqual([{
      kind: 'summary', unit: '瑞安市融媒体中心', contact: '王海', contactPhone: '13706661234', rows: RUIAN_ROWS,
      source: { filename: 'sum-prefixed-xml.xlsx', partId: '2', format: 'xlsx' },
    }]);
  });

  it.concurrent('a converted file larger than its cap is refused, not read', async () => {
    const result = await read('reg-legacy.doc', { contest, libreOffice: { tempDir: temp, maxOutputBytes: 1_000 } });
    expect(result.forms).toEqual([]);
    expect(result.problems.map((p) => [p.code, /^libreoffice too_large: converted file \d+ bytes > 1000$/.test(p.detail ?? '')])).toEqual([['unreadable_attachment', true]]);
  });

  it('without soffice, a .doc is unsupported_format (asking for .docx), not a crash', async () => {
    const result = await read('reg-legacy.doc', { contest, libreOffice: { binary: '/nonexistent/soffice' } });
    expect(result.forms).toEqual([]);
    expect(result.problems).toEqual([{
      code: 'unsupported_format', field: 'attachment', actor: 'submitter', detail: 'libreoffice_missing:doc',
      message: '附件《reg-legacy.doc》为 .doc 格式，系统暂时无法读取，请另存为 .docx 或 .xlsx 格式后重新发送。',
    }]);
    expect(result.manualReview).toEqual([{ partId: '2', filename: 'reg-legacy.doc', reason: 'unsupported' }]);
  });

  it('a conversion over its time box is killed with its whole process group and reported unreadable', async () => {
    const own = mkdtempSync(path.join(temp, 'timeout-'));
    const { value: result, ms } = await timed(() => read('reg-legacy.doc', { contest, libreOffice: { tempDir: own, timeoutMs: 300 } }));
    expect(ms).toBeLessThan(5_000);
    expect(result.forms).toEqual([]);
    expect(result.problems.map((p) => [p.code, p.detail?.startsWith('libreoffice timeout')])).toEqual([['unreadable_attachment', true]]);
    await new Promise((r) => setTimeout(r, 200));
    expect(strayProcesses(own)).toEqual([]);
    expect(readdirSync(own)).toEqual([]);
    rmSync(own, { recursive: true });
  });

  it('names the socket soffice makes for its profile (OSL_PIPE_…), as LibreOffice does', async () => {
    const dir = mkdtempSync(path.join(temp, 'pipe-'));
    const profile = pathToFileURL(path.join(dir, 'profile')).href;
    const [pipe] = officePipePaths(profile);
    const child = spawn((await findSoffice())!, ['--headless', '--norestore', '--nologo', '--nodefault', '--nolockcheck', `-env:UserInstallation=${profile}`,
      '--convert-to', 'docx', '--outdir', path.join(dir, 'out'), path.resolve('fixtures/documents/reg-legacy.doc')], { detached: true, stdio: 'ignore' });
    let seen = false;
    for (let i = 0; i < 300 && !seen && child.exitCode === null; i++) {
      seen = existsSync(pipe!);
      await new Promise((r) => setTimeout(r, 20));
    }
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* ended on its own */ }
    rmSync(pipe!, { force: true });
    rmSync(dir, { recursive: true, force: true });
    expect(seen, `${pipe} never appeared while soffice ran`).toBe(true);
  });

  it('a conversion killed over its time box leaves no socket in /tmp (soffice would have left one for ever)', async () => {
    // Each try watches its work folder for the profile and its socket; a try counts when soffice made the socket and
    // was then killed (a longer time box for each try: a cold machine starts soffice slower).
    let counted = 0;
    for (const timeoutMs of [900, 1400, 2000, 2800]) {
      const own = mkdtempSync(path.join(temp, 'pipe-timeout-'));
      const pipes = new Set<string>();
      let seen = false;
      const watch = setInterval(() => {
        for (const work of readdirSync(own)) for (const p of officePipePaths(pathToFileURL(path.join(own, work, 'profile')).href)) {
          pipes.add(p);
          seen ||= existsSync(p);
        }
      }, 10);
      const result = await convertWithLibreOffice(fixture('reg-legacy.doc'), 'doc', 'docx', { tempDir: own, timeoutMs });
      clearInterval(watch);
      expect([...pipes].filter((p) => existsSync(p)), `time box ${timeoutMs} ms`).toEqual([]);
      rmSync(own, { recursive: true, force: true });
      if (!result.ok && result.reason === 'timeout' && seen) counted++;
      if (counted) break;
    }
    expect(counted, 'no try had soffice make its socket and then be killed').toBe(1);
  });

  it('leaves no temp folder and no soffice process behind but the shared profile', () => {
    expect(readdirSync(temp).filter((name) => !name.startsWith('contest-lo-profile-'))).toEqual([]);
    expect(strayProcesses(temp)).toEqual([]);
  });
});
