/**
 * Phone numbers and postal addresses are personal data. They are stored in the database (the organizers need
 * them) but never leave it unmasked through logs or digest emails.
 */
const PHONE_RUN = /(?<!\d)(\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)|(?<!\d)(0\d{2,3})[-\s]?(\d{3,4})(\d{4})(?!\d)/g;

export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Masks every phone-like run inside free text (subjects, bodies, error messages). */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_RUN, (m) => maskPhone(m));
}

export function maskAddress(value: string): string {
  const chars = [...value.trim()];
  if (chars.length <= 3) return '***';
  return `${chars.slice(0, 3).join('')}***`;
}

/** user@example.com → u***@example.com: enough to tell senders apart in a log line. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}
