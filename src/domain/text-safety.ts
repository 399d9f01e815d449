/**
 * Everything that leaves the service carries values from hostile mail: a title can hold `<script>`, a subject a
 * CRLF and a `Bcc:`, a name `=HYPERLINK(…)`. These helpers are the one place each kind of output is made safe.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// C0/C1 controls (CR and LF among them), line/paragraph separators, zero-width and bidi controls, BOM.
const HEADER_UNSAFE = /[\p{Cc}\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

/** One line of text fit for a header (or a one-line label): no control characters, spaces folded, capped. */
export function oneLine(value: string | null | undefined, maxChars: number): string {
  const flat = (value ?? '').replace(HEADER_UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('').trimEnd()}…` : flat;
}

/** Text for a body: keeps line breaks, drops other controls (NUL, ESC, bidi overrides). */
export function bodyText(value: string | null | undefined, maxChars: number): string {
  const clean = (value ?? '').replace(/\r\n?/g, '\n').replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, (c) => (c === '\n' ? c : ' '));
  const chars = [...clean];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : clean;
}

/**
 * One plain addr-spec, nothing else: no display name, no comma, no angle bracket, no space, no second address, no
 * IP literal. Stricter than RFC 5322 on purpose: whatever passes cannot add a recipient or a header.
 */
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isSingleAddress(value: string | null | undefined): value is string {
  if (!value || value.length > 254) return false;
  const at = value.lastIndexOf('@');
  return at > 0 && at <= 64 && ADDRESS.test(value);
}

/** A Message-ID as it may appear in In-Reply-To / References: <printable ASCII without spaces or brackets>. */
export function isMessageId(value: string | null | undefined): value is string {
  return !!value && value.length <= 300 && /^<[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(value);
}

/** `<id>` with or without brackets as mailparser hands it over → `<id>`, or null when it is not one. */
export function asMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  const bracketed = v.startsWith('<') ? v : `<${v}>`;
  return isMessageId(bracketed) ? bracketed : null;
}

// Characters that make a spreadsheet treat a cell as a formula (or DDE), as OWASP lists them.
const FORMULA_START = /^[=+\-@\t\r]/;
// XML 1.0 cannot carry these: one of them in a cell makes the whole .xlsx unreadable.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const CELL_MAX = 32_000;

/**
 * A value from mail, made safe for a spreadsheet cell: XML-invalid characters dropped, capped below Excel's limit,
 * and a leading `= + - @ tab CR` neutralized with an apostrophe so that no editor ever evaluates it.
 */
export function safeCell(value: string | null | undefined): string {
  if (value == null) return '';
  let v = value.replace(XML_INVALID, '');
  if (v.length > CELL_MAX) v = `${v.slice(0, CELL_MAX)}…`;
  return FORMULA_START.test(v) ? `'${v}` : v;
}
