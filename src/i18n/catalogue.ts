import type { Lang } from './lang.ts';
import { en } from './messages-en.ts';
import { zh, type Messages } from './messages-zh.ts';

/** The CLI's wording in the operator's language. */
export function messages(lang: Lang): Messages {
  return lang === 'en' ? en : zh;
}
