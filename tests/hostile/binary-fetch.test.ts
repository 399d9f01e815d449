import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImapSession } from '../../src/mailbox/imap/open-session.ts';
import { pollMailbox } from '../../src/pipeline/poll-mailbox.ts';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';
import { countRows, makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { coremailMessage } from '../helpers/mime.ts';

/**
 * A server with BINARY (Dovecot's default; NetEase has none) answers a FETCH BINARY of a part with invalid base64
 * with "NO [UNKNOWN-CTE] Invalid data in MIME part", and fails the whole command: every message of that FETCH,
 * and so the whole cycle, again at every poll. imap-source.ts hands such a batch back to be loaded one by one.
 */

let dovecot: DovecotHandle;
let app: TestApp;

const good = (n: number) => coremailMessage({ subject: `最美in温州+作品${n}+陈晓东`, attachments: [{ filename: `登记表${n}.docx`, contentType: 'application/octet-stream', content: Buffer.alloc(2000, n) }] });
const invalidBase64 = Buffer.from([
  'From: a@126.com', 'To: bisaihuodong@126.com', 'Subject: =?UTF-8?B?5pyA576OaW7muKnlt54r5Z2PK+W8oOS4iQ==?=', 'Message-ID: <bad@126.com>',
  'Date: Mon, 10 Jun 2024 10:00:00 +0800', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
  '--b1', 'Content-Type: text/plain', '', 'hi', '--b1',
  'Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="a.docx"',
  'Content-Disposition: attachment; filename="a.docx"', 'Content-Transfer-Encoding: base64', '', '!!!!@@@@####$$$$', '--b1--', '',
].join('\r\n'));

beforeAll(async () => {
  dovecot = await startDovecot();
  for (const raw of [good(1), invalidBase64, good(2)]) await dovecot.appendMessage('INBOX', raw);
});
afterAll(async () => {
  app?.dispose();
  await dovecot?.stop();
});

describe('a server with BINARY', () => {
  it('one part with invalid base64 does not stop the cycle: all three messages are recorded', async () => {
    app = makeTestApp({ ...dovecot.env(), IMAP_TIMEOUT_MS: '10000' });
    const open = () => openImapSession(app.config.imap!, app.log, { limits: app.limits, version: 'test', supportEmail: 'x@126.com' });
    await pollMailbox(open, app.deps, app.clock, { batchSize: 10, maxAttempts: 3 });
    expect(countRows(app, 'SELECT count(*) AS n FROM messages')).toBe(3);
  });
});
