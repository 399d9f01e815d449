import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBrokenMailbox } from '../../fixtures/scripts/hostile/broken-mailbox.ts';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { coremailMessage } from '../helpers/mime.ts';

/**
 * Issue 11's second proof: the worker SIGKILLed 50 times at random moments (seeded), many of them while LibreOffice
 * converts a .doc, .wps or .xls form, then one clean poll. The export must equal the export of a run that was never
 * killed (same messages, statuses, entries and problems), nothing may be quarantined (a message merely in flight
 * when the worker is killed is not condemned), and no soffice process or conversion folder may be left behind.
 * KILLS=<n> and KILL_SEED=<n> change the run (`npm run test:soak` kills 200 times).
 */

const KILLS = Number(process.env.KILLS ?? 50);
const SEED = Number(process.env.KILL_SEED ?? 20261203);
const BIN = path.resolve('bin/contest-intake.js');
const DOC = (name: string) => readFileSync(path.resolve('fixtures/documents', name));

let dovecot: DovecotHandle;
let root: string;

interface Child { code: number | null; signal: NodeJS.Signals | null; killed: boolean; duringConversion: boolean }

function env(dataDir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '', HOME: path.join(root, 'home'), TMPDIR: path.join(root, 'tmp'), LANG: 'C.UTF-8', LOG_LEVEL: 'error',
    DATA_DIR: dataDir, CONFIG_DIR: path.resolve('config'), ...dovecot.env(), IMAP_TIMEOUT_MS: '20000', POLL_BATCH: '5',
  };
}

/** soffice processes started by this test's runs (their profile lives under our TMPDIR). */
function sofficeProcesses(): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(path.join(root, 'tmp')) && /soffice/.test(l));
}

/** When a run is killed: a delay after start, or a moment after soffice appears (so kills land in conversions whatever the machine's speed). */
type KillPlan = { after: 'start' | 'soffice'; ms: number } | null;

function run(args: string[], dataDir: string, plan: KillPlan): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: env(dataDir), stdio: 'ignore' });
    let exited = false;
    let killed = false;
    let duringConversion = false;
    const kill = (): void => {
      if (exited) return;
      duringConversion = sofficeProcesses().length > 0;
      killed = child.kill('SIGKILL');
    };
    const timers: NodeJS.Timeout[] = [];
    if (plan?.after === 'start') timers.push(setTimeout(kill, plan.ms));
    if (plan?.after === 'soffice') {
      const watch = setInterval(() => {
        if (sofficeProcesses().length === 0) return;
        clearInterval(watch);
        timers.push(setTimeout(kill, plan.ms));
      }, 25);
      timers.push(watch);
    }
    child.on('exit', (code, signal) => {
      exited = true;
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, killed: killed && signal === 'SIGKILL', duringConversion: duringConversion && signal === 'SIGKILL' });
    });
  });
}

/** What an organizer's export says, without what differs between two databases (ids, times of processing). */
function exported(dataDir: string): unknown {
  const out = path.join(dataDir, 'export.json');
  execFileSync(BIN, ['export', '--format', 'json', '--out', out], { env: env(dataDir), stdio: 'ignore' });
  const j = JSON.parse(readFileSync(out, 'utf8')) as {
    messages: { uid: number; kind: string; status: string; problems: { code: string; field?: string }[] }[];
    entries: { title: string | null; authors: string[]; links: string[]; phone: string | null; status: string; problems: { code: string; field?: string }[]; source: { messageId: string | null; row: number | null } }[];
  };
  const codes = (ps: { code: string; field?: string }[]) => ps.map((p) => `${p.code}/${p.field ?? ''}`).sort();
  return {
    messages: j.messages.map((m) => ({ uid: m.uid, kind: m.kind, status: m.status, problems: codes(m.problems) })).sort((a, b) => a.uid - b.uid),
    entries: j.entries.map((e) => ({ source: `${e.source.messageId}#${e.source.row}`, title: e.title, authors: e.authors, links: e.links, phone: e.phone, status: e.status, problems: codes(e.problems) }))
      .sort((a, b) => a.source.localeCompare(b.source)),
  };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ci-kill-'));
  for (const d of ['home', 'tmp']) mkdirSync(path.join(root, d));
  dovecot = await startDovecot();
  const forms: [string, string, string][] = [
    ['reg-legacy.doc', 'application/msword', '参赛登记表.doc'], ['reg-legacy.wps', 'application/octet-stream', '参赛登记表.wps'],
    ['sum-legacy.xls', 'application/vnd.ms-excel', '推荐汇总表.xls'], ['reg-word-2col.docx', 'application/octet-stream', '参赛登记表.docx'],
    ['reg-libreoffice.docx', 'application/octet-stream', '登记表.docx'], ['sum-merged-header.xlsx', 'application/octet-stream', '汇总表.xlsx'],
  ];
  const mails: Buffer[] = [];
  for (let i = 0; i < 18; i++) {
    const [file, type, name] = forms[i % forms.length]!;
    mails.push(coremailMessage({ subject: `最美in温州+作品${i + 1}+陈晓东`, messageId: `<kill-${i + 1}@126.com>`, date: `Mon, 10 Jun 2024 ${String(8 + (i % 10)).padStart(2, '0')}:00:00 +0800`, attachments: [{ filename: name, contentType: type, content: DOC(file) }] }));
  }
  for (const m of await makeBrokenMailbox(SEED, { good: 0, perKind: 1 })) mails.splice(Math.floor(mails.length / 2), 0, m.raw);
  for (const m of mails) await dovecot.appendMessage('INBOX', m);
}, 120_000);

afterAll(async () => {
  await dovecot?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the worker killed anywhere', () => {
  it(`SIGKILLed ${KILLS} times at random moments, LibreOffice conversions included: the export equals an unkilled run's, nothing quarantined, no soffice left`, async () => {
    const reference = path.join(root, 'reference');
    expect((await run(['poll', '--once'], reference, null)).code).toBe(0);
    const expected = exported(reference);

    const data = path.join(root, 'killed');
    const rng = new Rng(SEED);
    let killed = 0;
    let duringConversion = 0;
    const survivors: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Half the kills at a random moment after start, half a random moment after LibreOffice started converting.
      const r = await run(['poll', '--once'], data, rng.next() < 0.5 ? { after: 'start', ms: rng.int(300, 2500) } : { after: 'soffice', ms: rng.int(0, 1500) });
      if (r.killed) killed++;
      if (r.duringConversion) {
        duringConversion++;
        // A conversion must die with the worker, not finish on its own a few seconds later.
        await new Promise((resolve) => setTimeout(resolve, 300));
        survivors.push(...sofficeProcesses());
      }
    }
    expect(survivors, `kill seed ${SEED}: soffice processes that outlived the worker`).toEqual([]);
    const clean = await run(['poll', '--once'], data, null);
    expect(clean.code, `kill seed ${SEED}`).toBe(0);

    expect(killed, `kill seed ${SEED}`).toBeGreaterThanOrEqual(KILLS * 0.5);
    expect(duringConversion, `kill seed ${SEED}: kills that landed while soffice ran`).toBeGreaterThanOrEqual(3);
    const after = exported(data) as { messages: { status: string }[] };
    expect(after.messages.filter((m) => m.status === 'quarantined'), `kill seed ${SEED}`).toEqual([]);
    expect(after, `kill seed ${SEED}: the export after ${killed} kills`).toEqual(expected);
    expect(sofficeProcesses(), `kill seed ${SEED}: soffice processes left`).toEqual([]);
    const leftovers = existsSync(path.join(root, 'tmp')) ? readdirSync(path.join(root, 'tmp')).filter((n) => n.startsWith('contest-lo-')) : [];
    expect(leftovers, `kill seed ${SEED}: conversion folders left`).toEqual([]);
    console.log(`kill-anywhere: ${killed} SIGKILLs (${duringConversion} while soffice ran), seed ${SEED}; export equal to the unkilled run's; 0 quarantined; 0 soffice left`);
  }, 900_000);
});
