import { it, expect } from 'vitest';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { startDovecot } from '../setup/dovecot.ts';
import { makeTestApp } from '../helpers/test-app.ts';
import { makeHostileCorpus } from '../../fixtures/scripts/make-hostile.ts';

it('repro', async () => {
  const dovecot = await startDovecot();
  const corpus = makeHostileCorpus({ full: true }).filter((c) => c.family === 'mime').slice(0, 110);
  for (const c of corpus) await dovecot.appendMessage('INBOX', await c.build());
  const app = makeTestApp({ ...dovecot.env(), IMAP_TIMEOUT_MS: '10000' });
  const open = () => openImapSession(app.config.imap!, app.log, { limits: app.limits, version: 'test', supportEmail: 'x@126.com' });
  for (let i = 0; i < 6; i++) {
    try { const r = await pollMailbox(open, app.deps, app.clock, { batchSize: 50, maxAttempts: 3, partMaxBytes: app.config.partMaxBytes, reconnect: { maxWithoutProgress: 3, maxPerCycle: 50, backoffMs: [50] } }); console.log('poll', i, JSON.stringify(r)); }
    catch (e) { console.log('poll', i, 'failed', (e as Error).message); }
    console.log((app.db.prepare('SELECT count(*) n FROM messages').get() as any).n, JSON.stringify(app.db.prepare('SELECT last_uid, gaps FROM mailbox_state').all()));
  }
  await dovecot.stop();
}, 600000);
