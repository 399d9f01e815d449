import { foldText, textKey } from './text-key.ts';

const HAN = /\p{Script=Han}/u;

/**
 * Splits 作者姓名 into people: 张三、李四，王五; 张三 李四; 张三和李四. A space separates Chinese names only:
 * "Lucas Wang" is one person. A bare 和 also occurs inside names (王和平), so it only splits when every
 * resulting piece still looks like a full name (two characters or more).
 */
export function splitAuthors(value: string | null | undefined): string[] {
  if (!value) return [];
  const pieces = foldText(value)
    .split(/[、,;/，；／]+/)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => {
      const words = p.split(/\s+/);
      return words.length > 1 && words.every((w) => HAN.test(w)) ? words : [words.join(' ')];
    });
  return pieces.flatMap((piece) => {
    const parts = piece.split('和');
    if (parts.length > 1 && parts.every((p) => [...p].length >= 2)) return parts;
    return [piece];
  });
}

/**
 * Whether two spellings name the same person: equal keys, or one inside the other (张三 vs 张三（导演）).
 * Single characters never match by containment: too many names share one.
 */
export function sameAuthor(a: string, b: string): boolean {
  const ka = textKey(a);
  const kb = textKey(b);
  if (!ka || !kb) return false;
  if (ka === kb) return true;
  const [short, long] = ka.length <= kb.length ? [ka, kb] : [kb, ka];
  return [...short].length >= 2 && long.includes(short);
}
