import type { LabelIndex } from './label-match.ts';

/** One `label：value` found in free text: a typed mail, a table cell holding both, a summary header line. */
export interface LabeledSegment<K extends string> {
  key: K;
  value: string;
  start: number;
  end: number;
}

const SPACE = '[\\s\\u3000]*';
// Half-width and full-width spellings of the same ASCII character (／ and /, （ and ( …).
function charClass(ch: string): string {
  const code = ch.charCodeAt(0);
  const esc = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  if (code >= 0x21 && code <= 0x7e) return `[${esc(ch)}${esc(String.fromCharCode(code + 0xfee0))}]`;
  return esc(ch);
}

const patterns = new WeakMap<object, RegExp>();

function patternOf(index: LabelIndex<string>): RegExp {
  let re = patterns.get(index);
  if (!re) {
    const alts = [...index.synonyms]
      .sort((a, b) => b.length - a.length)
      .map((word) => [...word].map(charClass).join(SPACE));
    // A label counts in free text only when a colon follows it (possibly after a hint in brackets):
    // without one, every sentence that mentions 单位 or 链接 would become a field.
    re = new RegExp(`[*＊★]?(${alts.join('|')})${SPACE}(?:[(（][^()（）\\n]{0,30}[)）]${SPACE})?[:：]`, 'gu');
    patterns.set(index, re);
  }
  return re;
}

/** Trailing separators people type between fields on one line (姓名：陈晓东，职业：教师). */
export function trimValue(value: string): string {
  return value.replace(/^[\s\u3000_＿:：]+/, '').replace(/[\s\u3000_＿，,；;、|｜]+$/, '');
}

export function scanLabeled<K extends string>(text: string, index: LabelIndex<K>): LabeledSegment<K>[] {
  const re = patternOf(index);
  const hits: Array<{ key: K; start: number; valueStart: number }> = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = index.keyOf(m[1]!);
    if (key) hits.push({ key, start: m.index, valueStart: m.index + m[0].length });
    if (hits.length > 500) break;
  }
  return hits.map((hit, i) => {
    const end = i + 1 < hits.length ? hits[i + 1]!.start : text.length;
    return { key: hit.key, value: trimValue(text.slice(hit.valueStart, end)), start: hit.start, end };
  });
}

/** True when the text opens with `label：` (leading spaces allowed): the cell or line is a field, not prose. */
export function startsWithLabel<K extends string>(segments: LabeledSegment<K>[], text: string): boolean {
  const first = segments[0];
  return first !== undefined && text.slice(0, first.start).trim() === '';
}
