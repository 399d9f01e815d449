import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, it } from 'vitest';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { makeTestApp } from '../helpers/test-app.ts';

let dovecot: DovecotHandle;
beforeAll(async () => { dovecot = await startDovecot({ netease: true }); });
afterAll(async () => { await dovecot?.stop(); });

const files = (process.env.SCRATCH_FILES ?? '').split(',').filter(Boolean);
it('poll files', async () => {
  for (const f of files) await dovecot.appendMessage('INBOX', readFileSync(f));
  const app = makeTestApp({ IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_TLS: 'none', IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass }, { now: '2024-07-01T00:00:00Z' });
  const open = () => openImapSession(app.config.imap!, app.log, { limits: app.limits, version: 'test', supportEmail: 'x@126.com' });
  await pollMailbox(open, app.deps, app.clock, { batchSize: 10, maxAttempts: 3 });
  for (const m of app.db.prepare('SELECT id, subject, status, problems FROM messages').all() as any[]) {
    console.log(m.id, m.subject, m.status, JSON.parse(m.problems).map((p: any) => `${p.code}:${p.message}`).join(' | '));
    console.log('   att', JSON.stringify(app.db.prepare('SELECT part, filename, content_type, size, downloaded FROM attachments WHERE message_id = ?').all(m.id)));
    console.log('   ent', JSON.stringify(app.db.prepare('SELECT title, links, forwarded_from, recommended_by_unit, status FROM entries WHERE message_id = ?').all(m.id)));
  }
  app.dispose();
});
