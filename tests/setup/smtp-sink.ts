import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/**
 * A real SMTP server on loopback that keeps every message it accepts: the outputs' tests assert on what really went
 * over the wire. Faults are injected per SMTP phase, as NetEase answers them (MI: at MAIL FROM, RP: at RCPT TO,
 * DT: at DATA), so a test can make "the next 2 MAIL FROM answer 451 MI:SFQ".
 */

export type SmtpPhase = 'connect' | 'auth' | 'mail' | 'rcpt' | 'data';

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  /** The authenticated user of the session that sent it. */
  user: string | null;
  receivedAt: Date;
  parsed(): Promise<ParsedMail>;
}

export interface SinkFault {
  /** The SMTP reply code, e.g. 451, 550, 421. */
  code: number;
  /** Text after the code, e.g. 'MI:SFQ Session frequency limited'. */
  message?: string;
  /** Which command answers it; default from NetEase's prefix (MI:→mail, RP:→rcpt, DT:→data), else 'mail'. */
  phase?: SmtpPhase;
  /** How many commands of that phase answer it (default 1). */
  count?: number;
}

export interface SinkEvent {
  phase: SmtpPhase;
  /** The code the sink answered (250/235 when accepted). */
  code: number;
  detail: string;
  at: Date;
}

export interface SmtpSinkOptions {
  user?: string;
  pass?: string;
  /** Accept mail without AUTH (default false: AUTH is required, as on smtp.126.com). */
  authOptional?: boolean;
  /** Maximum accepted message size in bytes (advertised with SIZE). */
  size?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  user: string;
  pass: string;
  messages: SinkMessage[];
  /** Every command outcome in order: for "no tight retry loop" and "sent exactly once" assertions. */
  events: SinkEvent[];
  /** Settings the service reads, for plain loopback SMTP to this sink. */
  env(): Record<string, string>;
  /** Queue a fault; faults of one phase are used up in order. */
  failNext(fault: SinkFault): void;
  clearFaults(): void;
  /** Resolves once at least n messages were accepted (rejects after timeoutMs). */
  waitForMessages(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  reset(): void;
  stop(): Promise<void>;
}

function phaseOf(f: SinkFault): SmtpPhase {
  if (f.phase) return f.phase;
  const prefix = /^(MI|RP|DT):/.exec(f.message ?? '')?.[1];
  return prefix === 'RP' ? 'rcpt' : prefix === 'DT' ? 'data' : 'mail';
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const user = opts.user ?? 'bisaihuodong@126.com';
  const pass = opts.pass ?? 'smtp-auth-code';
  const messages: SinkMessage[] = [];
  const events: SinkEvent[] = [];
  const faults: (Required<Omit<SinkFault, 'phase'>> & { phase: SmtpPhase })[] = [];
  const waiters = new Set<() => void>();

  const record = (phase: SmtpPhase, code: number, detail: string) => events.push({ phase, code, detail, at: new Date() });
  /** Takes one fault of this phase from the queue, if any. */
  const takeFault = (phase: SmtpPhase): Error | null => {
    const f = faults.find((x) => x.phase === phase && x.count > 0);
    if (!f) return null;
    f.count--;
    if (f.count === 0) faults.splice(faults.indexOf(f), 1);
    return smtpError(f.code, f.message);
  };
  const answer = (phase: SmtpPhase, ok: number, detail: string, callback: (err?: Error | null) => void) => {
    const err = takeFault(phase);
    record(phase, err ? (err as Error & { responseCode: number }).responseCode : ok, detail);
    callback(err);
  };

  const options: SMTPServerOptions = {
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: opts.authOptional ?? false,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    size: opts.size,
    banner: 'test sink (Coremail-like)',
    // Pooled clients keep connections open: do not let stop() wait the default 30 s for them.
    closeTimeout: 300,
    onConnect(session, callback) {
      answer('connect', 220, session.remoteAddress, callback);
    },
    onAuth(auth, session, callback) {
      const fault = takeFault('auth');
      if (fault) {
        record('auth', (fault as Error & { responseCode: number }).responseCode, auth.username ?? '');
        return callback(fault);
      }
      if (auth.username !== user || auth.password !== pass) {
        record('auth', 535, auth.username ?? '');
        return callback(smtpError(535, 'Error: authentication failed'));
      }
      record('auth', 235, auth.username);
      callback(null, { user: auth.username });
    },
    onMailFrom(address, _session, callback) {
      answer('mail', 250, address.address, callback);
    },
    onRcptTo(address, _session, callback) {
      answer('rcpt', 250, address.address, callback);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const err = takeFault('data');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (err) {
          record('data', (err as Error & { responseCode: number }).responseCode, `${from} → ${to.join(',')}`);
          return callback(err);
        }
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          record('data', 552, 'size exceeded');
          return callback(smtpError(552, 'Message exceeds fixed maximum message size'));
        }
        let parsed: Promise<ParsedMail> | null = null;
        messages.push({
          envelope: { from, to },
          raw,
          user: (session.user as string | undefined) ?? null,
          receivedAt: new Date(),
          parsed: () => (parsed ??= simpleParser(raw)),
        });
        record('data', 250, `${from} → ${to.join(',')}`);
        for (const w of waiters) w();
        callback();
      });
    },
  };

  const server = new SMTPServer(options);
  server.on('error', () => { /* client resets are normal in fault tests */ });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    user,
    pass,
    messages,
    events,
    env: () => ({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_TLS: 'none', SMTP_USER: user, SMTP_PASS: pass }),
    failNext(f) {
      faults.push({ code: f.code, message: f.message ?? `${f.code} injected by the test`, count: f.count ?? 1, phase: phaseOf(f) });
    },
    clearFaults() { faults.length = 0; },
    waitForMessages(n, timeoutMs = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp sink: ${messages.length} of ${n} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    reset() {
      messages.length = 0;
      events.length = 0;
      faults.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
