import type { FieldName } from '../domain/field-name.ts';
import type { DocTable, TableCell } from './doc-content.ts';
import type { FormFields } from './form-types.ts';
import type { LabelIndex } from './label-match.ts';
import { scanLabeled, startsWithLabel, trimValue } from './labeled-text.ts';

/** Where one (possibly merged) cell sits in the rebuilt grid. */
interface Placed {
  cell: TableCell;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

type LabelRole = { kind: 'pure'; field: FieldName } | { kind: 'inline'; segments: Array<{ field: FieldName; value: string }> };

export interface RegistrationRead {
  fields: FormFields;
  /** Distinct fields whose label was seen, filled or not: an empty template is still a registration form. */
  labelled: Set<FieldName>;
}

function placeCells(table: DocTable): { placed: Placed[]; at: (r: number, c: number) => TableCell | undefined } {
  const byId = new Map<number, Placed>();
  table.rows.forEach((row, r) => row.cells.forEach((cell, c) => {
    const p = byId.get(cell.id);
    if (!p) byId.set(cell.id, { cell, top: r, left: c, bottom: r, right: c });
    else { p.bottom = Math.max(p.bottom, r); p.right = Math.max(p.right, c); }
  }));
  return { placed: [...byId.values()], at: (r, c) => table.rows[r]?.cells[c] };
}

function roleOf(cell: TableCell, labels: LabelIndex<FieldName>): LabelRole | null {
  const text = cell.text.trim();
  if (!text) return null;
  const field = labels.keyOf(text);
  if (field) return { kind: 'pure', field };
  const segments = scanLabeled(text, labels);
  if (!startsWithLabel(segments, text)) return null;
  return { kind: 'inline', segments: segments.map((s) => ({ field: s.key, value: s.value })) };
}

/**
 * Reads a registration form from one table, whatever its layout: a label's value is the next cell to its right,
 * or, when the label ends its row or stands before another label, the cell below it (forms with a header row).
 */
export function readRegistrationTable(table: DocTable, labels: LabelIndex<FieldName>): RegistrationRead {
  const { placed, at } = placeCells(table);
  const roles = new Map<number, LabelRole | null>();
  const roleFor = (cell: TableCell): LabelRole | null => {
    if (!roles.has(cell.id)) roles.set(cell.id, roleOf(cell, labels));
    return roles.get(cell.id) ?? null;
  };

  const valueFor = (p: Placed): string => {
    const row = table.rows[p.top]!;
    const right = row.cells.slice(p.right + 1).find((c) => c.id !== p.cell.id);
    if (right && !roleFor(right)) return right.text;
    const below = at(p.bottom + 1, p.left);
    if (below && below.id !== p.cell.id && !roleFor(below)) return below.text;
    return '';
  };

  const values = new Map<FieldName, string[]>();
  const labelled = new Set<FieldName>();
  const add = (field: FieldName, raw: string) => {
    labelled.add(field);
    const value = field === 'intro' ? raw.trim() : trimValue(raw);
    if (!value) return;
    const list = values.get(field) ?? [];
    if (!list.includes(value)) list.push(value);
    values.set(field, list);
  };

  const ordered = placed.sort((a, b) => a.top - b.top || a.left - b.left);
  for (const p of ordered) {
    const role = roleFor(p.cell);
    if (!role) continue;
    if (role.kind === 'pure') add(role.field, valueFor(p));
    else role.segments.forEach((s, i) => add(s.field, s.value || (i === role.segments.length - 1 ? valueFor(p) : '')));
  }

  const fields: FormFields = {};
  for (const [field, list] of values) fields[field] = list.join('\n');
  return { fields, labelled };
}
