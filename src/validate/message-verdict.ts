import type { ContestConfig } from '../config.ts';
import type { Address } from '../domain/address.ts';
import type { MessageKind, MessageStatus } from '../domain/message-kind.ts';
import type { Problem } from '../domain/problem.ts';
import type { ExtractedForm } from '../extract/form-types.ts';
import { summaryRowRef } from './row-ref.ts';
import { matchUnit, unknownUnitProblem, type UnitAlias } from './unit-match.ts';

/** What the attachments really hold decides between a registration and a unit's summary, not the subject. */
export function refineKind(kind: MessageKind, forms: readonly ExtractedForm[]): MessageKind {
  if (kind !== 'individual' && kind !== 'unit_summary') return kind;
  if (forms.some((f) => f.kind === 'summary')) return 'unit_summary';
  if (forms.length > 0) return 'individual';
  return kind;
}

export interface RecommendingUnit {
  unitName: string | null;
  unitText: string | null;
  problems: Problem[];
}

/**
 * The unit a mail speaks for: the 推荐单位 of its summary form, or, for a registration that a unit forwarded,
 * the forwarder's display name. An individual's own mail never speaks for a unit, whatever its 单位 says.
 */
export function recommendingUnit(
  forms: readonly ExtractedForm[], from: Address | null, contest: ContestConfig, aliases: readonly UnitAlias[],
): RecommendingUnit {
  const summary = forms.find((f) => f.kind === 'summary');
  if (summary) {
    const written = summary.unit?.trim() || from?.name?.trim() || null;
    const match = written ? matchUnit(written, contest.units, aliases) : null;
    if (match) return { unitName: match.unit.name, unitText: written, problems: [] };
    return { unitName: null, unitText: written, problems: [unknownUnitProblem(written ?? '（汇总表未填写推荐单位）')] };
  }
  const forwarded = forms.some((f) => f.source.forwardedFrom);
  if (forwarded && from?.name) {
    const match = matchUnit(from.name, contest.units, aliases);
    if (match) return { unitName: match.unit.name, unitText: from.name, problems: [] };
  }
  return { unitName: null, unitText: null, problems: [] };
}

interface EntryProblems {
  problems: Problem[];
  sourceRow: number | null;
  form: string;
  title?: string | null;
  /** The extracted values; a summary row's 序号 is `index`. */
  raw?: Record<string, string>;
}

/**
 * A summary row's duplicate is found when it is stored, by a sentence that cannot know the row: it is told which
 * row here, as the sender numbered it (validation's own sentences already name it).
 */
function namingRow(p: Problem, e: EntryProblems): Problem {
  if (e.form !== 'summary' || p.code !== 'duplicate_work') return p;
  return { ...p, message: `推荐汇总表${summaryRowRef({ index: e.raw?.index ?? null, row: e.sourceRow, title: e.title ?? null })}：${p.message}` };
}

/** The message's problems: its own, then each of its entries' (a summary row's carry the row), once each. */
export function mergeProblems(own: readonly Problem[], entries: readonly EntryProblems[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const add = (p: Problem): void => {
    const key = `${p.code}|${p.field ?? ''}|${p.message}|${p.detail ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const p of own) add(p);
  for (const e of entries) {
    for (const p of e.problems) add(e.form === 'summary' && e.sourceRow !== null ? { ...namingRow(p, e), detail: p.detail ?? `第${e.sourceRow}行` } : p);
  }
  return out;
}

export function statusOf(kind: MessageKind, problems: readonly Problem[], manualReview: number): MessageStatus {
  if (kind === 'automated' || kind === 'not_contest') return 'ignored';
  if (manualReview > 0 || problems.some((p) => p.actor === 'organizer')) return 'needs_person';
  return problems.length ? 'problems' : 'ok';
}
