import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotHandle } from './setup/dovecot.ts';
import { coremailMessage } from './helpers/mime.ts';

const run = promisify(execFile);
let dovecot: DovecotHandle;
let dir: string;

beforeAll(async () => {
  dovecot = await startDovecot({ tls: true });
  dir = mkdtempSync(path.join(tmpdir(), 'ci-tls-'));
  writeFileSync(path.join(dir, 'ca.pem'), dovecot.ca!);
  await dovecot.appendMessage('INBOX', coremailMessage({ subject: '最美in温州+五马街的清晨+陈晓东' }));
});
afterAll(async () => {
  await dovecot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function pollWith(tls: 'implicit' | 'starttls' | 'none', port: number, data: string): Promise<string> {
  const r = await run(process.execPath, [path.resolve('bin/contest-intake.js'), 'poll', '--once'], {
    env: {
      PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATA_DIR: path.join(dir, data),
      IMAP_HOST: 'localhost', IMAP_PORT: String(port), IMAP_TLS: tls, IMAP_USER: dovecot.user, IMAP_PASS: dovecot.pass,
      // A private CA, as an operator would add one: Node's own variable, no option of ours.
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
    },
    timeout: 60_000,
  });
  return r.stdout;
}

describe('IMAP over TLS, with the certificate verified', () => {

  it('implicit TLS (as imap.126.com:993)', async () => {
    expect(await pollWith('implicit', dovecot.tlsPort!, 'implicit')).toMatch(/收信：新收 1 封/);
  });
  it('STARTTLS on the plain port', async () => {
    expect(await pollWith('starttls', dovecot.port, 'starttls')).toMatch(/收信：新收 1 封/);
    // Dovecot ends the login line of a session inside TLS with "TLS": the upgrade really happened.
    const logins = (await dovecot.readLog()).split('\n').filter((l) => /Login: user=/.test(l));
    expect(logins.at(-1)).toMatch(/, TLS/);
  });
});
