/**
 * Phone numbers as people write them on the forms: mobiles with +86, spaces or dashes; landlines with an area
 * code (0577-88096549, (0577)88096549), sometimes with an extension; an 8-digit local number without area code.
 */

export interface PhoneNumber {
  kind: 'mobile' | 'landline' | 'local';
  /** 13812345678 · 0577-88096549 · 0577-88096549-8001 · 88096549 */
  normalized: string;
}

function parseOne(candidate: string): PhoneNumber | null {
  // Extensions: 转 8001, ext. 8001, 分机 8001.
  const [main = '', ext] = candidate.split(/\s*(?:转|分机|ext\.?|x)\s*/i);
  let s = main.trim();
  // An extension after a second dash: 0577-88096549-8001.
  let dashExt: string | undefined;
  const m = /^(\(?0\d{2,3}\)?[\s-]?\d{7,8})-(\d{1,5})$/.exec(s);
  if (m) {
    s = m[1]!;
    dashExt = m[2];
  }
  const extension = (ext ?? dashExt)?.replace(/\D/g, '') || undefined;
  if (/[^\d\s()\-+.]/.test(s)) return null;
  let digits = s.replace(/\D/g, '');
  const international = /^\s*\+/.test(s) || digits.startsWith('0086');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (international && digits.startsWith('86')) digits = digits.slice(2);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);

  if (/^1[3-9]\d{9}$/.test(digits)) return extension ? null : { kind: 'mobile', normalized: digits };
  // After +86 an area code loses its leading 0: +86 577 88096549.
  if (international && !digits.startsWith('0')) digits = `0${digits}`;
  let area: string | null = null;
  let local: string | null = null;
  if (/^0[12]\d{9}$/.test(digits)) {
    // Beijing 010 and the 02x cities: 3-digit area code, 8-digit number.
    area = digits.slice(0, 3);
    local = digits.slice(3);
  } else if (/^0[3-9]\d{9,10}$/.test(digits)) {
    area = digits.slice(0, 4);
    local = digits.slice(4);
  }
  if (area && local && /^[2-9]/.test(local)) {
    return { kind: 'landline', normalized: `${area}-${local}${extension ? `-${extension}` : ''}` };
  }
  // Without an area code only 8809-6549 shapes count: 2024-05-10 has eight digits too.
  if (/^[2-9]\d{7}$/.test(digits) && /^\d{4}[\s-]?\d{4}$/.test(s)) return { kind: 'local', normalized: `${digits}${extension ? `-${extension}` : ''}` };
  return null;
}

/**
 * The first valid number in the text, normalized; null when there is none. Several numbers
 * (13812345678 / 0577-88096549) are common: the first one is the one people expect to be called on.
 */
export function parsePhone(text: string): PhoneNumber | null {
  const folded = text.normalize('NFKC').replace(/[—–－]/g, '-').replace(/[（]/g, '(').replace(/[）]/g, ')');
  const candidates = folded
    .split(/[,;/、，；|]|\s{2,}|或|及|和|\n/)
    .map((c) => c.replace(/^[^\d+(]+/, '').replace(/[^\d)]+$/, '').trim())
    .filter(Boolean);
  for (const candidate of candidates) {
    const parsed = parseOne(candidate);
    if (parsed) return parsed;
  }
  return null;
}
