import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** smtp.126.com:465 is implicit TLS; some relays want STARTTLS. Both, against a real SMTP server with a private CA. */
let dir: string;
let key: Buffer;
let cert: Buffer;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-smtp-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  key = readFileSync(path.join(dir, 'key.pem'));
  cert = readFileSync(path.join(dir, 'cert.pem'));
  // One submission lacking a phone number: the demo mode answers it through SMTP.
  mkdirSync(path.join(dir, 'mail'));
  copyFileSync('fixtures/demo-mailbox/06-qq-ji-wenjie-no-phone.eml', path.join(dir, 'mail', 'a.eml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sendThrough(secure: boolean): Promise<{ secure: boolean; to: string[] }[]> {
  const got: { secure: boolean; to: string[] }[] = [];
  const server = new SMTPServer({
    secure, key, cert, authOptional: false,
    onAuth(auth, _session, cb) { cb(auth.username === 'bisaihuodong@126.com' && auth.password === 'smtp-code' ? null : new Error('535 bad'), { user: auth.username }); },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => { got.push({ secure: session.secure, to: session.envelope.rcptTo.map((r) => r.address) }); cb(); });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  try {
    await run(process.execPath, [path.resolve('bin/contest-intake.js'), 'run'], {
      env: {
        PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATA_DIR: path.join(dir, secure ? 'implicit' : 'starttls'), DEMO_MAILBOX: path.join(dir, 'mail'),
        SMTP_HOST: 'localhost', SMTP_PORT: String(port), SMTP_TLS: secure ? 'implicit' : 'starttls', SMTP_USER: 'bisaihuodong@126.com', SMTP_PASS: 'smtp-code',
        NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
      },
      timeout: 120_000,
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return got;
}

describe('SMTP over TLS, certificate verified', () => {
  it('implicit TLS (as smtp.126.com:465)', async () => {
    expect(await sendThrough(true)).toEqual([{ secure: true, to: ['wenjie_guide@qq.com'] }]);
  });
  it('STARTTLS: the session is upgraded before AUTH and DATA', async () => {
    expect(await sendThrough(false)).toEqual([{ secure: true, to: ['wenjie_guide@qq.com'] }]);
  });
});
