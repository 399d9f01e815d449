import { AppError } from '../errors.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { Db } from '../store/db.ts';
import { getEntry, type StoredEntry } from '../store/entries-repo.ts';
import {
  addNote, correctionsOf, getReview, setChecked, setCorrection, setDecision, setRevalidation, type CorrectableField, type Decision,
} from '../store/review-repo.ts';
import type { ContestConfig } from '../config.ts';
import { FIELD_NAMES } from '../domain/field-name.ts';
import type { FormFields } from '../extract/form-types.ts';
import { revalidateCorrected, type CorrectedFields } from '../validate/validate-entry.ts';

/**
 * What an organizer does to a work from the console, each step one transaction with its audit row (who, when,
 * what, before → after). The decisions are read back by everything through reviewed_entries (migration 0007), so
 * the export, the digest and units' progress change with them.
 */

export const FIELD_LABELS: Record<CorrectableField, string> = {
  title: '作品题目', authors: '作者姓名', occupation: '职业', unit: '单位', link: '作品链接', phone: '手机号码', address: '通讯地址', intro: '作品简介',
};

function entryOrThrow(db: Db, id: number): StoredEntry {
  const e = getEntry(db, id);
  if (!e) throw new AppError('usage', `没有编号为 ${id} 的作品条目`);
  return e;
}

function cleanText(value: string, max: number, what: string): string {
  const v = value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!v) throw new AppError('usage', `${what}不能为空`);
  if ([...v].length > max) throw new AppError('usage', `${what}不能超过 ${max} 个字`);
  return v;
}

export function markChecked(db: Db, entryId: number, checked: boolean, by: string, now: Date): void {
  db.transaction(() => {
    entryOrThrow(db, entryId);
    const before = getReview(db, entryId)?.checkedBy ?? null;
    if (!!before === checked) return;
    setChecked(db, entryId, checked ? by : null, now);
    appendAudit(db, { userName: by, action: checked ? 'checked' : 'unchecked', entryId, before: before ? `已核对（${before}）` : '未核对',
      after: checked ? `已核对（${by}）` : '未核对' }, now);
  }).immediate();
}

const DECISION_LABELS: Record<Decision | 'none', string> = { accepted: '人工接受', excluded: '已排除', none: '未决定' };

/** Accepts (counts as valid whatever its problems) or excludes a work, with a reason; null takes the decision back. */
export function decide(db: Db, entryId: number, decision: Decision | null, reason: string, by: string, now: Date): void {
  const why = decision ? cleanText(reason, 200, '理由') : reason.trim() || null;
  db.transaction(() => {
    const entry = entryOrThrow(db, entryId);
    if (entry.status === 'superseded') throw new AppError('usage', '这是已被新版本替代的旧版本，请在现行版本上操作');
    const before = getReview(db, entryId);
    setDecision(db, entryId, decision ? { decision, reason: why!, by } : null, now);
    appendAudit(db, {
      userName: by, action: decision ? (decision === 'accepted' ? 'accept' : 'exclude') : 'undecide', entryId,
      before: DECISION_LABELS[before?.decision ?? 'none'] + (before?.decisionReason ? `：${before.decisionReason}` : ''),
      after: DECISION_LABELS[decision ?? 'none'] + (why ? `：${why}` : ''), reason: why,
    }, now);
  }).immediate();
}

function extractedValue(e: StoredEntry, field: CorrectableField): string {
  switch (field) {
    case 'authors': return e.authors.join('、');
    case 'link': return e.links[0] ?? '';
    case 'unit': return e.unit ?? '';
    default: return e[field] ?? '';
  }
}

/** Authors are typed as 甲、乙 and stored as the entries column is (a JSON array). */
function storedForm(field: CorrectableField, value: string): string {
  return field === 'authors' ? JSON.stringify(value.split(/[、,，;；\s]+/).map((a) => a.trim()).filter(Boolean)) : value;
}

const shownForm = (field: CorrectableField, stored: string): string => (field === 'authors' ? (JSON.parse(stored) as string[]).join('、') : stored);

/** The form's fields as read, with each correction in its place: what the field rules are run on again. */
function correctedFields(e: StoredEntry, corrections: readonly { field: CorrectableField; value: string }[]): CorrectedFields {
  const fields: FormFields = {};
  for (const f of FIELD_NAMES) if (e.raw[f] !== undefined) fields[f] = e.raw[f];
  for (const c of corrections) fields[c.field === 'authors' ? 'name' : c.field] = shownForm(c.field, c.value);
  return { form: e.form, sourceRow: e.sourceRow, index: e.raw.index ?? null, fields };
}

/**
 * Corrects one field by hand; the extracted value stays in the entry. An empty value removes the correction. The
 * field rules run again on the corrected values, so a work whose only problem was a wrong phone is registered once
 * the right one is in (and a correction that breaks a rule brings that problem back).
 */
export function correctField(db: Db, contest: ContestConfig, entryId: number, field: CorrectableField, value: string, by: string, now: Date): void {
  const v = value.trim() ? cleanText(value, field === 'intro' ? 1000 : 300, FIELD_LABELS[field]) : null;
  db.transaction(() => {
    const entry = entryOrThrow(db, entryId);
    const previous = correctionsOf(db, entryId).find((c) => c.field === field);
    const before = previous ? shownForm(field, previous.value) : extractedValue(entry, field);
    const stored = v === null ? null : storedForm(field, v);
    setCorrection(db, entryId, field, stored, by, now);
    const corrections = correctionsOf(db, entryId);
    const validation = revalidateCorrected(entry.validationProblems, correctedFields(entry, corrections), contest);
    setRevalidation(db, entryId, corrections.length === 0 ? null : {
      validation, problems: [...validation, ...entry.problems.filter((p) => p.code === 'duplicate_work')],
    });
    appendAudit(db, { userName: by, action: v === null ? 'correction_removed' : 'correct', entryId, field,
      before, after: stored === null ? extractedValue(entry, field) : shownForm(field, stored) }, now);
  }).immediate();
}

export function noteWork(db: Db, entryId: number, text: string, by: string, now: Date): void {
  const t = cleanText(text, 1000, '备注');
  db.transaction(() => {
    entryOrThrow(db, entryId);
    addNote(db, entryId, t, by, now);
    appendAudit(db, { userName: by, action: 'note', entryId, after: t }, now);
  }).immediate();
}
