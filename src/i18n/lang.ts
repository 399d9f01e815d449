/** The languages of the CLI's own output: Chinese for the organizers who run it, English for a developer. */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** LANG=en_US.UTF-8 (en*) → English; C.UTF-8, zh_CN.UTF-8, unset → Chinese. */
export function langFromLocale(locale: string | undefined): Lang {
  return locale && /^en/i.test(locale.trim()) ? 'en' : 'zh';
}
