import type { ContestConfig } from '../config.ts';
import type { FieldName } from '../domain/field-name.ts';

/**
 * Labels are compared in one canonical spelling, because the same form arrives as 姓　　名, 姓名：, 姓 名,
 * *姓名 or 作品简介（200字以内）depending on who retyped the template and in which program.
 */
export function normalizeLabel(text: string): string {
  let t = text.normalize('NFKC').replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, '');
  t = t.replace(/^[*★☆※▲●■◆]+|[*★☆※▲●■◆]+$/g, '');
  t = t.replace(/[:]+$/, '');
  const withoutHints = t.replace(/\([^()]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕|<[^<>]*>/g, '');
  t = withoutHints || t.replace(/[()[\]【】〔〕<>]/g, '');
  return t.replace(/[:]+$/, '').toLowerCase();
}

export type SummaryColumnKey = FieldName | 'index' | 'newEmployment' | 'recommender';
export type SummaryHeaderKey = 'unit' | 'contact' | 'contactPhone';

/** Normalized synonym → key; the first list that names a synonym keeps it. */
export class LabelIndex<K extends string> {
  private readonly map = new Map<string, K>();
  readonly synonyms: string[] = [];

  constructor(groups: Array<[K, readonly string[]]>) {
    for (const [key, words] of groups) {
      for (const word of words) {
        const norm = normalizeLabel(word);
        if (!norm || this.map.has(norm)) continue;
        this.map.set(norm, key);
        this.synonyms.push(word.normalize('NFKC').replace(/\s+/g, ''));
      }
    }
  }

  keyOf(text: string): K | null {
    const norm = normalizeLabel(text);
    if (!norm || norm.length > 40) return null;
    const direct = this.map.get(norm);
    if (direct) return direct;
    // 作品链接1, 作品链接2: numbered copies of one column (a group work's pieces).
    const unnumbered = norm.replace(/[0-9一二三四五六]$/, '');
    return unnumbered !== norm ? (this.map.get(unnumbered) ?? null) : null;
  }
}

export interface FormLabels {
  fields: LabelIndex<FieldName>;
  columns: LabelIndex<SummaryColumnKey>;
  header: LabelIndex<SummaryHeaderKey>;
}

const INDEX_LABELS = ['序号', '编号', '序'];

/** The part of the contest rules the form readers need; plain data, so it can be posted to a parse worker. */
export type LabelConfig = Pick<ContestConfig, 'labels' | 'summaryLabels'>;

export function formLabels(contest: LabelConfig): FormLabels {
  const fieldGroups = Object.entries(contest.labels) as Array<[FieldName, string[]]>;
  const s = contest.summaryLabels;
  return {
    fields: new LabelIndex(fieldGroups),
    columns: new LabelIndex<SummaryColumnKey>([
      ['index', INDEX_LABELS], ...fieldGroups, ['newEmployment', s.newEmployment], ['recommender', s.unit],
    ]),
    header: new LabelIndex<SummaryHeaderKey>([['unit', s.unit], ['contact', s.contact], ['contactPhone', s.contactPhone]]),
  };
}
