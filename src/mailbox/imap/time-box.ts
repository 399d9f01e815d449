import { AppError } from '../../errors.ts';

/**
 * Every IMAP step gets its own time box: a server that stops answering mid-command must cost one step's time,
 * not the socket timeout. On expiry `onTimeout` kills the connection, which also ends the step's promise.
 */
export async function within<T>(ms: number, step: string, work: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new AppError('timeout', `IMAP ${step} took longer than ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
