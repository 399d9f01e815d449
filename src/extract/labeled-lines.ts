import type { FieldName } from '../domain/field-name.ts';
import type { FormFields } from './form-types.ts';
import type { LabelIndex } from './label-match.ts';
import { scanLabeled, startsWithLabel } from './labeled-text.ts';
import type { RegistrationRead } from './registration-table.ts';

// 1. 姓名：… / 一、姓名：… / - 姓名：… / 【姓名】：…
const ENUMERATOR = /^[\s\u3000]*(?:[0-9０-９]{1,2}[.、．)）]|[一二三四五六七八九十]{1,2}[、.．]|[-•·*>]\s*|[（(][0-9一二三四五六七八九十]{1,2}[)）])?[\s\u3000]*/;
const CLOSING = /^(谢谢|此致|敬礼|祝好|祝您|顺祝|发自我的|Sent from|--\s*$|——)/i;

/**
 * A form typed line by line (in a mail body, or as paragraphs of a document): `label：value` lines, several
 * on one line, a value on the line after an empty label, and an introduction running on until a blank line.
 */
export function readLabeledLines(text: string, labels: LabelIndex<FieldName>): RegistrationRead {
  const values = new Map<FieldName, string[]>();
  const labelled = new Set<FieldName>();
  let open: { field: FieldName; multiline: boolean } | null = null;

  const append = (field: FieldName, value: string, joiner: string | null) => {
    const list = values.get(field) ?? [];
    if (joiner !== null && list.length) list[list.length - 1] = `${list[list.length - 1]}${joiner}${value}`;
    else if (value && !list.includes(value)) list.push(value);
    values.set(field, list);
  };

  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(ENUMERATOR, '').replace(/^[【\[]([^】\]]{1,12})[】\]]/, '$1');
    if (!line.trim()) { open = null; continue; }
    const segments = scanLabeled(line, labels);
    if (startsWithLabel(segments, line)) {
      for (const s of segments) {
        labelled.add(s.key);
        append(s.key, s.value, null);
      }
      const last = segments[segments.length - 1]!;
      open = { field: last.key, multiline: last.key === 'intro' || !last.value };
      continue;
    }
    if (open?.multiline && !CLOSING.test(line.trim())) {
      const has = (values.get(open.field) ?? []).length > 0;
      append(open.field, line.trim(), has ? '\n' : null);
      if (open.field !== 'intro') open = null;
      continue;
    }
    open = null;
  }
  const fields: FormFields = {};
  for (const [field, list] of values) if (list.length) fields[field] = list.join('\n');
  return { fields, labelled };
}
