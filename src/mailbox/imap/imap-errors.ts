import { AppError, isAppError } from '../../errors.ts';

/**
 * What an imapflow failure means for the service. NetEase's refusals and a wrong 授权码 are told apart from a
 * connection that broke, because the first need a person and the second only another try.
 */
export function toAppError(err: unknown, step: string): AppError {
  if (isAppError(err)) return err;
  const e = err as { authenticationFailed?: boolean; code?: string; responseText?: string; message?: string; serverResponseCode?: string };
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new AppError('imap_auth', `IMAP login refused: check IMAP_USER and IMAP_PASS (for 126.com, the 授权码, not the web password)`, { cause: err });
  }
  const text = `${e.responseText ?? ''} ${e.message ?? ''}`;
  if (/unsafe login/i.test(text)) {
    return new AppError('imap_refused', `the server refused ${step} as an "Unsafe Login" (NetEase wants the IMAP ID command first)`, { cause: err });
  }
  if (e.code === 'NoConnection' || e.code === 'EConnectionClosed' || /^E[A-Z]+$/.test(e.code ?? '') || /timeout|closed|socket|connect|ECONN|EPIPE|greeting|not available/i.test(text)) {
    return new AppError('imap_unavailable', `IMAP ${step} failed: ${(e.message ?? String(err)).slice(0, 200)}`, { cause: err });
  }
  return new AppError('imap_refused', `IMAP ${step} failed: ${(e.message ?? String(err)).slice(0, 200)}`, { cause: err });
}
