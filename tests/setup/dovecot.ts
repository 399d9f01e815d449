import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { configText } from './dovecot-config.ts';
import { freePort, waitForGreeting } from './net-util.ts';

/**
 * A private, throw-away Dovecot per test file: own instance_name, base_dir, port and folder, so parallel test files
 * never meet. It runs in the foreground as our child, and the mailbox helpers use a small imapflow client of the
 * harness's own (src/ keeps its single imapflow importer; tests may import it).
 */

/** NetEase 126/163 as seen from a client: no IDLE, MOVE or CONDSTORE. */
export const NETEASE_CAPABILITIES = 'IMAP4rev1 ID LITERAL+ UIDPLUS XLIST SPECIAL-USE';

export interface DovecotOptions {
  user?: string;
  pass?: string;
  /** Advertise NetEase's capability profile (and its greeting). Pair with tcp-proxy's 'netease' mode for "Unsafe Login". */
  netease?: boolean;
  /** An explicit `imap_capability` (wins over `netease`). */
  capabilities?: string;
  /** Mailboxes created at start, besides INBOX. */
  mailboxes?: string[];
  /** Also listen with implicit TLS (self-signed certificate for 127.0.0.1/localhost): see `tlsPort` and `ca`. */
  tls?: boolean;
  /** Raw lines appended to the generated dovecot.conf. */
  extraConfig?: string;
  /** Milliseconds to wait for the greeting (default 20 s). */
  startTimeoutMs?: number;
}

export interface AppendOptions {
  flags?: string[];
  /** IMAP INTERNALDATE: the arrival time the service reads. */
  internalDate?: Date;
}

export interface MailboxStatus {
  messages: number;
  uidNext: number;
  uidValidity: bigint;
}

export interface DovecotHandle {
  host: string;
  port: number;
  /** Implicit-TLS port when started with `tls: true`. */
  tlsPort: number | null;
  /** PEM of the self-signed certificate (use as `tls.ca`), when `tls: true`. */
  ca: string | null;
  user: string;
  pass: string;
  /** The temp folder holding config, mail, log; removed by stop(). */
  dir: string;
  mailDir: string;
  logFile: string;
  /** The settings the service reads, for plain loopback IMAP to this server. */
  env(): Record<string, string>;
  appendMessage(mailbox: string, raw: Buffer | string, opts?: AppendOptions): Promise<{ uid: number; uidValidity: bigint }>;
  createMailbox(name: string): Promise<void>;
  deleteMailbox(name: string): Promise<void>;
  /** Expunge one message by UID (UID EXPUNGE). */
  expunge(mailbox: string, uid: number): Promise<void>;
  status(mailbox: string): Promise<MailboxStatus>;
  /**
   * Give a mailbox a new UIDVALIDITY and empty it (works on INBOX too, which IMAP cannot delete): what a server does
   * after a mailbox is rebuilt. APPEND the "same mail plus one new" afterwards.
   */
  resetMailbox(name: string): Promise<{ uidValidity: bigint }>;
  /** Change the advertised capabilities for new connections (null: Dovecot's own); reloads the config. */
  setCapabilities(caps: string | null): Promise<void>;
  /** Delete every dovecot.index.cache (cold-cache benchmark runs). Returns how many were removed. */
  wipeCache(): Promise<number>;
  /** Stop and start again on the same port with the same mail (a server restart). */
  restart(): Promise<void>;
  /** The Dovecot log so far (for failure messages). */
  readLog(): Promise<string>;
  stop(): Promise<void>;
}

const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;

function killAll(): void {
  for (const { child, dir } of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
  live.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test worker that dies without stop() must not leave a Dovecot holding a port, or its folder behind.
  process.on('exit', killAll);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      // Then die of the same signal, as we would have without this handler (unless someone else handles it).
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

function findDovecot(): string {
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (existsSync(p)) return p;
  throw new Error('dovecot is not installed: run `bash scripts/ensure-test-deps.sh` (apt-get install dovecot-imapd)');
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}

export async function startDovecot(opts: DovecotOptions = {}): Promise<DovecotHandle> {
  const binary = findDovecot();
  installExitHook();
  const user = opts.user ?? 'contest@example.test';
  const pass = opts.pass ?? 'secret-imap-pass';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dovecot-'));
  // The mail processes run as nobody and must traverse the folder.
  await chmod(dir, 0o755);
  const mailDir = path.join(dir, 'mail');
  const logFile = path.join(dir, 'dovecot.log');
  const confFile = path.join(dir, 'dovecot.conf');
  const uid = idOf('-u', 'nobody');
  const gid = idOf('-g', 'nobody');
  await mkdir(path.join(dir, 'run'));
  await mkdir(path.join(dir, 'state'));
  await mkdir(mailDir);
  await chown(mailDir, uid, gid);
  await writeFile(path.join(dir, 'users'), `${user}:{PLAIN}${pass}\n`, { mode: 0o644 });
  let ca: string | null = null;
  if (opts.tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'),
      '-out', path.join(dir, 'cert.pem'), '-days', '3', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    ca = await readFile(path.join(dir, 'cert.pem'), 'utf8');
  }
  const instance = `contest-test-${process.pid}-${path.basename(dir).slice(-6)}`;
  let caps: string | null = opts.capabilities ?? (opts.netease ? NETEASE_CAPABILITIES : null);
  let port = 0;
  let tlsPort = 0;
  const writeConfig = () => writeFile(confFile, configText({
    dir, instance, port, tlsPort, caps, netease: !!opts.netease, tls: !!opts.tls, uid, gid, extra: opts.extraConfig ?? '',
  }));

  let child: ChildProcess | null = null;
  let entry: { child: ChildProcess; dir: string } | null = null;
  let stderr = '';
  const readLog = async () => {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    return `${log}${stderr ? `\n[stderr]\n${stderr}` : ''}`;
  };

  const launch = async (): Promise<void> => {
    await writeConfig();
    try {
      execFileSync(binary, ['-n', '-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new Error(`dovecot rejected its config ${confFile}: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`);
    }
    stderr = '';
    const c = spawn(binary, ['-F', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout!.on('data', (b: Buffer) => { stderr += b.toString(); });
    c.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    child = c;
    entry = { child: c, dir };
    live.add(entry);
    const exited = new Promise<never>((_, reject) => {
      c.once('exit', (code, signal) => reject(new Error(`dovecot exited early (code ${code}, signal ${signal})`)));
    });
    exited.catch(() => {});
    const ports = tlsPort ? [port, tlsPort] : [port];
    await Promise.race([Promise.all(ports.map((p) => waitForGreeting('127.0.0.1', p, opts.startTimeoutMs ?? 20_000, p === tlsPort))), exited]);
  };

  const kill = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    child = null;
    if (entry) live.delete(entry);
    if (c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  };

  // Another process may take a port between our probe and Dovecot's bind: try a few.
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    tlsPort = opts.tls ? await freePort() : 0;
    try {
      await launch();
      lastError = null;
      break;
    } catch (e) {
      lastError = e;
      const log = await readLog();
      await kill();
      if (!/in use/i.test(log)) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`${(e as Error).message}\n--- dovecot log (${logFile}) ---\n${log}`);
      }
    }
  }
  if (lastError) {
    const log = await readLog();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(lastError as Error).message}\n--- dovecot log ---\n${log}`);
  }

  // One admin connection, made on demand and again after a restart.
  let admin: ImapFlow | null = null;
  const client = async (): Promise<ImapFlow> => {
    if (admin && admin.usable) return admin;
    const c = new ImapFlow({
      host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false,
      clientInfo: { name: 'contest-intake-test-harness' }, connectionTimeout: 10_000, greetingTimeout: 10_000,
    });
    c.on('error', () => { /* surfaced by the failing command */ });
    c.on('close', () => { if (admin === c) admin = null; });
    await c.connect();
    admin = c;
    return c;
  };
  const closeAdmin = async () => {
    const c = admin;
    admin = null;
    if (c) await c.logout().catch(() => c.close());
  };
  const withLog = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      const err = e as Error & { responseText?: string };
      throw new Error(`${what}: ${err.responseText ?? err.message}\n--- dovecot log ---\n${(await readLog()).slice(-4000)}`);
    }
  };

  const handle: DovecotHandle = {
    host: '127.0.0.1',
    get port() { return port; },
    tlsPort: opts.tls ? tlsPort : null,
    ca,
    user,
    pass,
    dir,
    mailDir,
    logFile,
    env: () => ({
      IMAP_HOST: '127.0.0.1', IMAP_PORT: String(port), IMAP_TLS: 'none', IMAP_USER: user, IMAP_PASS: pass, IMAP_MAILBOX: 'INBOX',
    }),
    appendMessage: (mailbox, raw, o = {}) => withLog(`APPEND to ${mailbox}`, async () => {
      const res = await (await client()).append(mailbox, typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, o.flags ?? [], o.internalDate);
      if (!res || res.uid === undefined) throw new Error('APPEND gave no UID');
      return { uid: res.uid, uidValidity: BigInt(res.uidValidity ?? 0) };
    }),
    createMailbox: (name) => withLog(`CREATE ${name}`, async () => { await (await client()).mailboxCreate(name); }),
    deleteMailbox: (name) => withLog(`DELETE ${name}`, async () => { await (await client()).mailboxDelete(name); }),
    expunge: (mailbox, uid) => withLog(`UID EXPUNGE ${mailbox} ${uid}`, async () => {
      const c = await client();
      const lock = await c.getMailboxLock(mailbox);
      try {
        await c.messageDelete(String(uid), { uid: true });
      } finally {
        lock.release();
      }
    }),
    status: (mailbox) => withLog(`STATUS ${mailbox}`, async () => {
      const s = await (await client()).status(mailbox, { messages: true, uidNext: true, uidValidity: true });
      if (!s) throw new Error('no STATUS answer');
      return { messages: s.messages ?? 0, uidNext: s.uidNext ?? 0, uidValidity: BigInt(s.uidValidity ?? 0) };
    }),
    resetMailbox: (name) => withLog(`reset ${name}`, async () => {
      if (name.toUpperCase() !== 'INBOX') {
        await handle.deleteMailbox(name);
        await handle.createMailbox(name);
        return { uidValidity: (await handle.status(name)).uidValidity };
      }
      // IMAP cannot delete INBOX: empty it, then drop its UID list and indexes, so Dovecot rebuilds it with a new
      // UIDVALIDITY and UIDs from 1 again, as after a server-side rebuild. Nobody may have INBOX open meanwhile.
      const c = await client();
      const lock = await c.getMailboxLock('INBOX');
      try {
        if (c.mailbox && c.mailbox.exists > 0) await c.messageDelete('1:*');
      } finally {
        lock.release();
      }
      await closeAdmin();
      const root = path.join(mailDir, user);
      for (const f of ['dovecot-uidlist', 'dovecot.index', 'dovecot.index.log', 'dovecot.index.log.2', 'dovecot.index.cache']) {
        await rm(path.join(root, f), { force: true });
      }
      return { uidValidity: (await handle.status('INBOX')).uidValidity };
    }),
    setCapabilities: async (newCaps) => {
      caps = newCaps;
      await writeConfig();
      await closeAdmin();
      // SIGHUP makes the master re-read the config; new login processes get the new capability line.
      const reloads = async () => (await readLog()).split('SIGHUP received').length;
      const before = await reloads();
      child?.kill('SIGHUP');
      await waitFor(async () => (await reloads()) > before, 5_000);
      await waitForGreeting('127.0.0.1', port, 5_000);
    },
    wipeCache: async () => {
      await closeAdmin();
      let n = 0;
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else if (e.name === 'dovecot.index.cache') { await unlink(p); n++; }
        }
      };
      await walk(mailDir);
      return n;
    },
    restart: async () => {
      await closeAdmin();
      await kill();
      await launch().catch(async (e) => { throw new Error(`${(e as Error).message}\n${await readLog()}`); });
    },
    readLog,
    stop: async () => {
      await closeAdmin();
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (const m of opts.mailboxes ?? []) await handle.createMailbox(m);
  return handle;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

/** Is anything listening? (for tests that assert a server is gone) */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}
