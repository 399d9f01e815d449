import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildShape, type ShapeExpectation } from '../../fixtures/scripts/shapes/cases.ts';
import { readEmlFile } from '../../src/mailbox/eml-folder-source.ts';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { ingestMessage } from '../../src/pipeline/ingest-message.ts';
import { writeFullJsonExport } from '../../src/exports/json-export.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { startProxy, type TcpProxy } from '../setup/tcp-proxy.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * Issue 14's shapes, each through the real pipeline over IMAP: a private Dovecot with NetEase's capabilities behind
 * a NetEase-like proxy, one poll, then the organizers' JSON export. Every field of every work, its links, its credit
 * and its problems are compared with what the fixture script recorded it put in the mail (fixtures/shapes/cases.json),
 * and the reply's recipient with the mail's sender (the forwarding unit for a forwarded form). The forwarded
 * mails imported from .eml files give the same export.
 */

interface ShapeCaseJson {
  file: string;
  subject: string;
  date: string;
  description: string;
  atTestTime: boolean;
  after: string[];
  expect: ShapeExpectation;
}

interface Exported {
  messages: Array<{ id: number; subject: string; receivedAt: string; kind: string; status: string; problems: Array<{ code: string; message: string }>;
    attachments: Array<{ filename: string | null; contentType: string; downloaded: boolean }> }>;
  entries: Array<{ title: string; authors: string[]; occupation: string | null; unit: string | null; links: string[]; phone: string | null; address: string | null;
    intro: string | null; status: string; problems: Array<{ code: string }>; newEmployment: boolean; recommendedBy: string | null;
    source: { messageId: number; row: number | null; form: string; forwardedFrom: string | null } }>;
  units: Array<{ name: string; contact: { name: string | null; phone: string | null; messageId: number; receivedAt: string } | null }>;
}

const cases = JSON.parse(readFileSync('fixtures/shapes/cases.json', 'utf8')) as ShapeCaseJson[];
const byFile = new Map(cases.map((c) => [c.file, c]));

let dovecot: DovecotHandle;
let proxy: TcpProxy;
let app: TestApp | undefined;

beforeAll(async () => {
  dovecot = await startDovecot({ netease: true });
  proxy = await startProxy({ targetHost: dovecot.host, targetPort: dovecot.port, mode: 'netease' });
});
afterAll(async () => {
  await proxy?.stop();
  await dovecot?.stop();
});
afterEach(async () => {
  app?.dispose();
  app = undefined;
  await dovecot.resetMailbox('INBOX');
});

async function rawOf(c: ShapeCaseJson): Promise<Buffer> {
  return c.atTestTime ? (await buildShape(c.file)).raw : readFileSync(`fixtures/shapes/${c.file}`);
}

async function exportJson(a: TestApp): Promise<Exported> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeFullJsonExport(a.db, a.config.contest, out);
  out.end();
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Exported;
}

async function expectExport(a: TestApp, c: ShapeCaseJson): Promise<void> {
  const exported = await exportJson(a);
  const msg = exported.messages.find((m) => m.receivedAt === new Date(c.date).toISOString())!;
  expect(msg.subject).toBe(c.subject);
  const want = c.expect;
  expect([msg.kind, msg.status]).toEqual([want.kind, want.status]);
  expect(msg.problems.map((p) => p.code)).toEqual(want.problems.map((p) => p.code));
  want.problems.forEach((p, i) => { if (p.message) expect(msg.problems[i]!.message).toBe(p.message); });

  const entries = exported.entries.filter((e) => e.source.messageId === msg.id).map((e) => ({
    title: e.title, authors: e.authors, occupation: e.occupation, unit: e.unit, links: e.links, phone: e.phone, address: e.address, intro: e.intro,
    status: e.status, problems: e.problems.map((p) => p.code), form: e.source.form, row: e.source.row, forwardedFrom: e.source.forwardedFrom,
    recommendedBy: e.recommendedBy, newEmployment: e.newEmployment,
  }));
  expect(entries).toEqual(want.entries);

  const replies = a.db.prepare("SELECT recipient FROM outbox WHERE message_id = ? AND kind = 'reply'").all(msg.id) as { recipient: string }[];
  expect(replies.map((r) => r.recipient)).toEqual(want.replyTo ? [want.replyTo] : []);

  if (want.contact) {
    const unit = exported.units.find((u) => u.name === want.contact!.unit);
    expect(unit?.contact).toEqual({ name: want.contact.name, phone: want.contact.phone, messageId: msg.id, receivedAt: msg.receivedAt });
  }
  // Videos, wherever they sit (inside a forwarded mail too), are described, never fetched.
  expect(msg.attachments.filter((x) => x.contentType.startsWith('video/') && x.downloaded)).toEqual([]);
}

describe('issue 14 shapes over IMAP, each as the organizers\' export shows it', () => {
  for (const c of cases) {
    it(`${c.file}: ${c.description}`, async () => {
      for (const name of [...c.after, c.file]) {
        const shape = byFile.get(name)!;
        // INTERNALDATE is when the mail reached the mailbox: the date the case says it was sent.
        await dovecot.appendMessage('INBOX', await rawOf(shape), { internalDate: new Date(shape.date) });
      }
      app = makeTestApp({ IMAP_HOST: '127.0.0.1', IMAP_PORT: String(proxy.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass, IMAP_TIMEOUT_MS: '30000' });
      const a = app;
      const report = await pollMailbox(() => openImapSession(a.config.imap!, a.log, { limits: a.limits, version: 'test', supportEmail: 'bisaihuodong@126.com' }),
        a.deps, a.clock, { batchSize: 10, maxAttempts: 3 });
      expect(report).toMatchObject({ fetched: c.after.length + 1, failed: 0, quarantined: 0, unfetchable: 0 });

      await expectExport(a, c);
    }, c.atTestTime ? 240_000 : 120_000);
  }
});

// Forwarded mails are parsed on two paths (mailparser for a file, the BODYSTRUCTURE plan over IMAP): both must
// give the same export. The other shapes go through the same readers either way, and LibreOffice twice costs time.
describe('the forwarded shapes from .eml files (import)', () => {
  for (const c of cases.filter((x) => !x.atTestTime && x.file.includes('forward'))) {
    it(c.file, async () => {
      app = makeTestApp();
      for (const name of [...c.after, c.file]) {
        const msg = await readEmlFile(`fixtures/shapes/${name}`, app.limits);
        await ingestMessage(msg, app.deps, { now: new Date('2024-10-01T00:00:00Z') });
      }
      await expectExport(app, c);
    });
  }
});
