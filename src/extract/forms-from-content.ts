import type { FormSource } from '../domain/form-source.ts';
import type { DocBlock, DocContent } from './doc-content.ts';
import type { ExtractedForm, ExtractedRegistration, FormFields } from './form-types.ts';
import type { FormLabels } from './label-match.ts';
import { readLabeledLines } from './labeled-lines.ts';
import { readRegistrationTable, type RegistrationRead } from './registration-table.ts';
import { readSummaryHeader, readSummaryTable } from './summary-table.ts';

/** Two labelled fields make a registration form; one alone is as likely a stray 单位 or 电话 in a letter. */
const MIN_LABELS = 2;

function textAround(blocks: DocBlock[], at: number, step: -1 | 1): string[] {
  const out: string[] = [];
  for (let i = at + step; i >= 0 && i < blocks.length; i += step) {
    const b = blocks[i]!;
    if (b.kind === 'table') break;
    out.push(b.text);
  }
  return step === -1 ? out.reverse() : out;
}

function overlaps(a: FormFields, b: FormFields): boolean {
  return Object.keys(b).some((k) => k in a);
}

/**
 * Decides, table by table, what a document holds. A column header (≥3 column labels) over several rows, a 序号
 * column or a 推荐单位 line makes a unit summary; otherwise label/value cells make a registration form. A form
 * split over several tables is joined; a table repeating fields already read starts the next form.
 */
export function formsFromContent(content: DocContent, labels: FormLabels, source: FormSource, opts: { lines?: boolean } = {}): ExtractedForm[] {
  const forms: ExtractedForm[] = [];
  let current: ExtractedRegistration | null = null;
  const addRegistration = (read: RegistrationRead) => {
    if (read.labelled.size < MIN_LABELS) return;
    if (current && !overlaps(current.fields, read.fields)) {
      Object.assign(current.fields, read.fields);
      return;
    }
    current = { kind: 'registration', fields: { ...read.fields }, source: { ...source } };
    forms.push(current);
  };

  content.blocks.forEach((block, i) => {
    if (block.kind !== 'table') return;
    const summary = readSummaryTable(block.table, labels);
    if (summary) {
      const lines = [...textAround(content.blocks, i, -1), ...summary.context, ...textAround(content.blocks, i, 1)];
      const header = readSummaryHeader(lines, labels);
      const unitNamed = header.unit !== null || header.contact !== null;
      if (summary.rows.length >= 2 || summary.hasIndex || unitNamed) {
        current = null;
        forms.push({
          kind: 'summary', unit: header.unit, contact: header.contact, contactPhone: header.contactPhone, rows: summary.rows,
          ...(block.table.clipped ? { clipped: true } : {}), source: { ...source },
        });
        return;
      }
    }
    addRegistration(readRegistrationTable(block.table, labels.fields));
  });

  if (forms.length === 0 && opts.lines !== false) {
    const text = content.blocks.map((b) => (b.kind === 'text' ? b.text : '')).filter(Boolean).join('\n');
    addRegistration(readLabeledLines(text, labels.fields));
  }
  return forms;
}

export function hasValues(form: ExtractedForm): boolean {
  return form.kind === 'summary' ? form.rows.length > 0 || form.unit !== null : Object.keys(form.fields).length > 0;
}
