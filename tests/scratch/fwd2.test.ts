import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, it } from 'vitest';
import { startDovecot, type DovecotHandle } from '../setup/dovecot.ts';

let dovecot: DovecotHandle;
beforeAll(async () => { dovecot = await startDovecot({ netease: true }); });
afterAll(async () => { await dovecot?.stop(); });

it('structure', async () => {
  const raw = readFileSync('fixtures/mail/coremail-forward-rfc822.eml');
  const b64 = raw.toString('latin1').replace(/Content-Transfer-Encoding: 7bit(\r\nContent-Disposition: attachment;\r\n\tfilename=[^\r\n]*\r\n\r\n)([\s\S]*?)(\r\n--)/, (m, a, body, end) => `Content-Transfer-Encoding: base64${a}${Buffer.from(body, 'latin1').toString('base64').replace(/(.{76})/g, '$1\r\n')}${end}`);
  await dovecot.appendMessage('INBOX', Buffer.from(b64, 'latin1'));
  const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false });
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  for await (const m of c.fetch('1:*', { uid: true, bodyStructure: true })) console.log(JSON.stringify(m.bodyStructure, null, 1).slice(0, 3000));
  for (const binary of [true, false]) {
    for await (const m of c.fetch('1:*', { uid: true, bodyParts: ['2'] }, { binary })) {
      console.log(binary, [...(m.bodyParts?.entries() ?? [])].map(([k, v]) => [k, v.length, JSON.stringify(v.subarray(0, 200).toString('latin1'))]));
    }
  }
  lock.release();
  await c.logout();
});
