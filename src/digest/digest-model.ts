import { oneLine } from '../domain/text-safety.ts';
import type { UnitRow } from '../exports/export-data.ts';
import { maskPhonesInText } from '../privacy.ts';

/**
 * The shape of the organizers' morning mail as a description (header, key figures, sections of tables and lists,
 * footer), built by digest-view.ts and rendered by render-digest.ts as HTML and as plain text, so the two never say
 * different things. Text from mail is marked as such (`mail`): the renderers make it one line, cap it and mask phone
 * numbers in it; everything else is the service's own wording.
 */

/** A piece of text; `mail` (its cap in characters) marks a value that came from outside; `href` one of our own links. */
export interface Run {
  text: string;
  bold?: boolean;
  mail?: number;
  href?: string;
  /** Starts a new line in its cell (a separator in plain text); `small` prints it small and grey. */
  br?: boolean;
  small?: boolean;
}

export type UnitState = 'met' | 'behind' | 'silent';

export type Cell =
  | Run[]
  /** A progress bar (nothing in plain text). */
  | { bar: { counted: number; quota: number; state: UnitState } }
  /** A unit's state as a coloured badge (its label in plain text). */
  | { badge: UnitState }
  /** A short coloured word. */
  | { mark: { text: string; color: string } };

/** One entry of a list: a title, a reference (#message/entry · arrival), who, a list of points, a footnote. */
export interface Item {
  title: Run[];
  ref: string;
  who: Run[][];
  points: Run[][];
  mark?: { text: string; color: string };
  footnote?: Run[];
}

export type Part =
  | { type: 'table'; rows: Cell[][]; head?: string[]; widths?: string[]; align?: ('left' | 'right')[] }
  | { type: 'subheading'; runs: Run[] }
  | { type: 'items'; items: Item[] }
  /** What an empty list says. */
  | { type: 'none'; text: string }
  | { type: 'remark'; runs: Run[] }
  /** Term — meaning pairs. */
  | { type: 'legend'; entries: [string, string][] };

export interface Section {
  title: string;
  note?: string;
  parts: Part[];
}

export interface DigestView {
  subject: string;
  header: { kicker: string; title: string; meta: string[] };
  figures: { title: string; value: string; sub: string }[];
  sections: Section[];
  footer: string;
}

export function unitState(u: Pick<UnitRow, 'counted' | 'quota' | 'silent'>): UnitState {
  if (u.counted >= u.quota) return 'met';
  return u.silent ? 'silent' : 'behind';
}

export const STATE_LABEL: Record<UnitState, string> = { met: '已达标', behind: '未达标', silent: '未报送' };
export const STATE_COLOR: Record<UnitState, string> = { met: '#2e7d32', behind: '#d97706', silent: '#c62828' };

/** Free text from mail: one line, capped, phone numbers masked. The renderers apply it to every `mail` run. */
export function clean(value: string | null | undefined, max = 120): string {
  return maskPhonesInText(oneLine(value, max));
}

export const mail = (text: string | null | undefined, max = 120): Run => ({ text: text ?? '', mail: max });
export const ours = (text: string): Run => ({ text });
