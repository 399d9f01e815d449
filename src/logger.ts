import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Redaction lives on the root logger so every child inherits it. Secrets are censored outright; personal data
 * should never be passed as a field at all (log masked values), this list is the safety net.
 */
const REDACT = [
  'pass', 'password', 'auth.pass', '*.pass', '*.password', '*.authCode', 'secret', '*.secret',
  'phone', '*.phone', 'address', '*.address', 'body', '*.body', 'text', '*.text', 'html', '*.html',
  'entries[*].phone', 'entries[*].address', 'fields.phone', 'fields.address',
];

export function createLogger(opts: { level?: string; pretty?: boolean; destination?: string } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'contest-intake' } };
  if (opts.destination) return pino(base, pino.destination({ dest: opts.destination, sync: true, mkdir: true }));
  const pretty = opts.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } } });
  }
  return pino(base);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
