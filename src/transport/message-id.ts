import { randomBytes } from 'node:crypto';

/** A Message-ID in MAIL_FROM's domain, fixed when a mail is recorded, so every send of it carries the same one. */
export function generateMessageId(mailFrom: string, now: Date): string {
  const domain = /@([A-Za-z0-9.-]+)$/.exec(mailFrom)?.[1] ?? 'contest-intake.invalid';
  return `<ci.${now.getTime().toString(36)}.${randomBytes(9).toString('base64url')}@${domain}>`;
}
