import { splitAuthors } from '../domain/authors.ts';

/**
 * Parses the subject the notice asks for, 最美in温州+作品标题+创作者姓名, as people really type it:
 * 最美 in 温州 / 最美IN温州, full-width ＋, 回复:/转发:/Re:/Fw: prefixes, several creators joined by 、.
 */

export interface SubjectParse {
  /** NFKC, prefixes stripped, spaces folded: what the rest of the code compares. */
  normalized: string;
  hasTag: boolean;
  title: string | null;
  creators: string[];
  /** What is off, for the submitter: the tag missing, no '+', no creator, an empty title. */
  defects: ('no_tag' | 'no_separator' | 'no_title' | 'no_creator')[];
}

const PREFIX = /^\s*(?:(?:re|fw|fwd|aw|sv|wg|回复|答复|转发|转寄|回覆|轉寄|轉發)\s*(?:\[\d+\])?\s*[:：]\s*|\[[^\]]{0,40}\]\s*)/i;

export function stripReplyPrefixes(subject: string): string {
  let s = subject;
  for (let i = 0; i < 10; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s;
}

export function normalizeSubject(subject: string): string {
  return stripReplyPrefixes(subject.normalize('NFKC').replace(/[\u200b-\u200f\u2060\ufeff]/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The tag with every space removed and case folded: "最美 IN 温州" and "最美in温州" are the same tag. */
function tagPattern(tags: string[]): RegExp {
  const alternatives = tags.map((t) =>
    [...t.normalize('NFKC').replace(/\s+/g, '')].map((ch) => ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*'),
  );
  return new RegExp(`[“"「『#]?\\s*(?:${alternatives.join('|')})\\s*[”"」』]?`, 'i');
}


export function parseSubject(subject: string, opts: { tags: string[]; separators: string[] }): SubjectParse {
  const normalized = normalizeSubject(subject);
  const tagMatch = tagPattern(opts.tags).exec(normalized);
  const defects: SubjectParse['defects'] = [];
  if (!tagMatch) {
    return { normalized, hasTag: false, title: null, creators: [], defects: ['no_tag'] };
  }
  const rest = normalized.slice(tagMatch.index + tagMatch[0].length);
  // NFKC already turned ＋ into +; other separators from the config are folded to it.
  let folded = rest;
  for (const sep of opts.separators) folded = folded.split(sep.normalize('NFKC')).join('+');
  folded = folded.replace(/^[\s+\-—_－:：]+/, '');
  let pieces = folded.split('+').map((p) => p.trim()).filter((p) => p.length > 0);

  // "最美in温州 瓯江夜色 林巧巧": spaces instead of '+'. Read it when the last word looks like a Chinese name,
  // but still tell the submitter the subject is off.
  if (pieces.length === 1 && !folded.includes('+')) {
    const words = pieces[0]!.split(' ');
    if (words.length >= 2 && /^[\p{Script=Han}·]{2,4}$/u.test(words[words.length - 1]!)) {
      pieces = [words.slice(0, -1).join(' '), words[words.length - 1]!];
      defects.push('no_separator');
    }
  }

  let title: string | null = null;
  let creators: string[] = [];
  if (pieces.length >= 2) {
    // Titles may themselves contain '+': everything but the last piece is the title.
    title = pieces.slice(0, -1).join('+');
    creators = splitCreators(pieces[pieces.length - 1]!);
    if (creators.length === 0) defects.push('no_creator');
  } else if (pieces.length === 1) {
    title = pieces[0]!;
    defects.push('no_creator');
  } else {
    defects.push('no_title');
  }
  return { normalized, hasTag: true, title: title ? stripQuotes(title) : null, creators, defects };
}

export function splitCreators(value: string): string[] {
  return splitAuthors(value);
}

function stripQuotes(s: string): string {
  return s.replace(/^[《“"「『]+|[》”"」』]+$/g, '').trim();
}
