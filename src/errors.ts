/**
 * Errors that cross module boundaries carry a machine code. Callers decide with the `is…()` helpers,
 * never by reading the message text (messages are for people and may change).
 */
export type ErrorCode =
  | 'config_invalid'
  // Wrong user or authorization code: retrying every few minutes only gets the account locked. Not retryable.
  | 'imap_auth'
  // Network, TLS, greeting or socket trouble: the next cycle may well succeed. Retryable.
  | 'imap_unavailable'
  // The server refused a command we need (NetEase's "Unsafe Login", a missing mailbox). Not retryable without a fix.
  | 'imap_refused'
  // A step exceeded its own time box. Retryable.
  | 'timeout'
  // The message disappeared between listing and download (expunged elsewhere). Nothing to retry.
  | 'message_vanished'
  // The database has migrations this build does not know: an older binary on a newer database. Never proceed.
  | 'db_unknown_migration'
  // Locked or full database, or another IO failure of the store. Retryable at the next cycle.
  | 'db_unavailable'
  | 'smtp_auth'
  // 4xx answers, NetEase's MI:SFQ (sending too fast): back off and try later.
  | 'smtp_throttled'
  // 5xx answers about this recipient or content: another try will not help.
  | 'smtp_rejected'
  | 'smtp_unavailable'
  | 'document_unreadable'
  | 'document_unsupported'
  | 'document_too_large'
  | 'usage';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
  }
}

const RETRYABLE = new Set<ErrorCode>([
  'imap_unavailable',
  'timeout',
  'db_unavailable',
  'smtp_throttled',
  'smtp_unavailable',
]);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function hasCode(err: unknown, code: ErrorCode): boolean {
  return isAppError(err) && err.code === code;
}

export const isConfigError = (err: unknown): boolean => hasCode(err, 'config_invalid');
export const isAuthError = (err: unknown): boolean => hasCode(err, 'imap_auth') || hasCode(err, 'smtp_auth');
export const isUnknownMigration = (err: unknown): boolean => hasCode(err, 'db_unknown_migration');
export const isVanished = (err: unknown): boolean => hasCode(err, 'message_vanished');
/** The IMAP connection broke or stopped answering: what it said last cannot be trusted, a new one may do better. */
export const isConnectionLost = (err: unknown): boolean => hasCode(err, 'imap_unavailable') || hasCode(err, 'timeout');
export const isRetryable = (err: unknown): boolean => isAppError(err) && err.retryable;
export const isUsageError = (err: unknown): boolean => hasCode(err, 'usage');

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
