import type { FieldName } from '../domain/field-name.ts';
import type { FormSource } from '../domain/form-source.ts';
import type { Problem } from '../domain/problem.ts';

export type FormFields = Partial<Record<FieldName, string>>;

/** 附件1 参赛登记表: one work. Values are trimmed text as written; validation interprets them. */
export interface ExtractedRegistration {
  kind: 'registration';
  fields: FormFields;
  source: FormSource;
}

export interface SummaryRow {
  /** 1-based row number in the sheet or table, for the organizers. */
  row: number;
  /** The row's 序号 as written, when the table has that column: how the sender refers to the row. */
  index?: string;
  /** title, name (authors), unit (职业/单位), link, phone, and whatever else a column maps to. */
  fields: FormFields;
  /** Text of a new-employment column, when the unit added one. */
  newEmployment?: string;
}

/** 附件2 推荐汇总表: many works recommended by one unit. */
export interface ExtractedSummary {
  kind: 'summary';
  unit: string | null;
  contact: string | null;
  contactPhone: string | null;
  rows: SummaryRow[];
  /** The table went on past GRID_LIMITS.maxRows rows: the rows after them were not read. */
  clipped?: boolean;
  source: FormSource;
}

export type ExtractedForm = ExtractedRegistration | ExtractedSummary;

export interface ManualReview {
  partId: string | null;
  filename: string | null;
  reason: 'pdf' | 'image' | 'unreadable' | 'unsupported' | 'too_large' | 'encrypted';
}

export interface ExtractionResult {
  forms: ExtractedForm[];
  /** unsupported_format, unreadable_attachment, no_form … each naming the attachment in its message. */
  problems: Problem[];
  manualReview: ManualReview[];
}
