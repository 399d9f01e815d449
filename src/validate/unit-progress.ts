import type { ContestConfig } from '../config.ts';
import { endOfLocalDay } from '../domain/contest-calendar.ts';
import { createUnitMatcher, unitKey, type UnitAlias } from './unit-match.ts';

/**
 * Each unit's progress against its quota, from the recorded entries. Pure: the store hands in the rows.
 * A unit is credited with the works it recommended itself (its summary rows, the registrations it forwarded),
 * never with an individual's own submission, even when that form names the unit under 单位.
 */

export interface ProgressEntry {
  id: number;
  status: 'valid' | 'problems' | 'duplicate' | 'superseded';
  /** No validation problem of its own (late, missing field …). */
  validationOk: boolean;
  duplicateOf: number | null;
  merged: boolean;
  /** The row came from a unit (summary, or a mail the unit forwarded). */
  recommended: boolean;
  recommendedByUnit: string | null;
  recommenderText: string | null;
  primaryLink: string | null;
  newEmployment: boolean;
  receivedAt: string;
  unitText: string | null;
  title: string | null;
  authors: string[];
}

export interface MayBelong {
  entryId: number;
  title: string | null;
  authors: string[];
  status: ProgressEntry['status'];
}

export interface UnitProgress {
  name: string;
  category: string;
  categoryLabel: string;
  quota: number;
  /** Distinct valid works the unit recommended. */
  counted: number;
  met: boolean;
  /** Nothing at all received from the unit. */
  silent: boolean;
  /** Current (not superseded) rows from the unit, valid or not. */
  received: number;
  /** County offices: new-employment works received up to and including the category's date. */
  newEmployment: { quota: number; before: string; counted: number; met: boolean } | null;
  /** Individuals' own entries whose 单位 names this unit: shown, never counted. */
  mayBelong: MayBelong[];
}

export interface UnknownUnitProgress {
  /** The first spelling seen. */
  name: string;
  spellings: string[];
  received: number;
  counted: number;
  entryIds: number[];
}

export interface UnitProgressReport {
  units: UnitProgress[];
  unknown: UnknownUnitProgress[];
}

/** Counts for a unit: current, valid on its own, and either the work's first row or its merged unit channel. */
function countsForRecommender(e: ProgressEntry): boolean {
  return e.status !== 'superseded' && e.validationOk && (e.duplicateOf == null || e.merged);
}

const workKey = (e: ProgressEntry): string => e.primaryLink ?? `#${e.id}`;

export function computeUnitProgress(entries: readonly ProgressEntry[], contest: ContestConfig, extraAliases: readonly UnitAlias[] = []): UnitProgressReport {
  const match = createUnitMatcher(contest.units, extraAliases);
  const configured = new Set(contest.units.map((u) => u.name));
  const unitOf = (e: ProgressEntry): string | null => {
    if (!e.recommended) return null;
    if (e.recommendedByUnit && configured.has(e.recommendedByUnit)) return e.recommendedByUnit;
    // Matched at read time, so an alias added since recording already counts.
    return match(e.recommenderText)?.unit.name ?? match(e.recommendedByUnit)?.unit.name ?? null;
  };

  const byUnit = new Map<string, ProgressEntry[]>();
  const unknown = new Map<string, ProgressEntry[]>();
  const mayBelong = new Map<string, ProgressEntry[]>();
  for (const e of entries) {
    const unit = unitOf(e);
    if (unit) byUnit.set(unit, [...(byUnit.get(unit) ?? []), e]);
    else if (e.recommended) {
      const raw = e.recommenderText ?? e.recommendedByUnit ?? '';
      const key = unitKey(raw) || raw;
      unknown.set(key, [...(unknown.get(key) ?? []), e]);
    } else if (e.status !== 'superseded') {
      const named = match(e.unitText)?.unit.name;
      if (named) mayBelong.set(named, [...(mayBelong.get(named) ?? []), e]);
    }
  }

  const units = contest.units.map((unit): UnitProgress => {
    const category = contest.categories[unit.category]!;
    const rows = byUnit.get(unit.name) ?? [];
    const counting = rows.filter(countsForRecommender);
    const counted = new Set(counting.map(workKey)).size;
    const quota = unit.quota ?? category.quota;
    let newEmployment: UnitProgress['newEmployment'] = null;
    if (category.newEmployment) {
      const limit = endOfLocalDay(category.newEmployment.before, contest.timezone).toISOString();
      const n = new Set(counting.filter((e) => e.newEmployment && e.receivedAt < limit).map(workKey)).size;
      newEmployment = { quota: category.newEmployment.quota, before: category.newEmployment.before, counted: n, met: n >= category.newEmployment.quota };
    }
    return {
      name: unit.name,
      category: unit.category,
      categoryLabel: category.label,
      quota,
      counted,
      met: counted >= quota,
      silent: rows.length === 0,
      received: rows.filter((e) => e.status !== 'superseded').length,
      newEmployment,
      mayBelong: (mayBelong.get(unit.name) ?? []).map((e) => ({ entryId: e.id, title: e.title, authors: e.authors, status: e.status })),
    };
  });

  return {
    units,
    unknown: [...unknown.values()].map((rows) => {
      const spellings = [...new Set(rows.map((e) => (e.recommenderText ?? e.recommendedByUnit ?? '').trim()))];
      return {
        name: spellings[0] ?? '',
        spellings,
        received: rows.filter((e) => e.status !== 'superseded').length,
        counted: new Set(rows.filter(countsForRecommender).map(workKey)).size,
        entryIds: rows.map((e) => e.id),
      };
    }),
  };
}
