import { PROBLEM_CODES, PROBLEM_FIELDS, type Problem } from '../domain/problem.ts';
import { RowDecodeError } from './row-decoding.ts';

/**
 * The columns that hold JSON (problems, author and link lists, a form's raw values, outbox recipients), written
 * and read only here. A value read back is checked against its type; the objects are returned as parsed, so a
 * value written again is the same text.
 */

export const encodeJson = (value: unknown): string => JSON.stringify(value);

function parse(table: string, column: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RowDecodeError(table, column, 'JSON', text);
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is { readonly [key: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);

const CODES: ReadonlySet<unknown> = new Set(PROBLEM_CODES);
const FIELDS: ReadonlySet<unknown> = new Set(PROBLEM_FIELDS);

function isProblem(v: unknown): v is Problem {
  if (!isObject(v)) return false;
  return CODES.has(v.code) && isString(v.message) && (v.actor === 'submitter' || v.actor === 'organizer')
    && (v.field === undefined || FIELDS.has(v.field)) && (v.detail === undefined || isString(v.detail));
}

function isArrayOf<T>(guard: (v: unknown) => v is T) {
  return (v: unknown): v is T[] => Array.isArray(v) && v.every(guard);
}

function isStringRecord(v: unknown): v is Record<string, string> {
  if (!isObject(v)) return false;
  for (const key in v) if (!isString(v[key])) return false;
  return true;
}

/** A JSON column whose value must pass `guard`; the parsed value itself is returned (nothing copied). */
function jsonColumn<T>(guard: (v: unknown) => v is T, what: string) {
  return (table: string, column: string, text: string): T => {
    const value = parse(table, column, text);
    if (!guard(value)) throw new RowDecodeError(table, column, what, value);
    return value;
  };
}

/** Problem[] (messages.problems, entries.problems and validation_problems). */
export const decodeProblems = jsonColumn(isArrayOf(isProblem), 'a JSON array of problems');

/** string[] (authors, links, recipients). */
export const decodeStrings = jsonColumn(isArrayOf(isString), 'a JSON array of strings');

/** Record<string, string> (entries.raw: a form's values as extracted). */
export const decodeStringRecord = jsonColumn(isStringRecord, 'a JSON object of strings');
