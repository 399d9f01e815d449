import type { FieldName } from '../domain/field-name.ts';
import type { FormFields } from './form-types.ts';
import type { LabelIndex } from './label-match.ts';
import { scanLabeled, startsWithLabel } from './labeled-text.ts';
import type { RegistrationRead } from './registration-table.ts';

// 1. 姓名：… / 一、姓名：… / - 姓名：… / 【姓名】：…
const ENUMERATOR = /^[\s\u3000]*(?:[0-9０-９]{1,2}[.、．)）]|[一二三四五六七八九十]{1,2}[、.．]|[-•·*>]\s*|[（(][0-9一二三四五六七八九十]{1,2}[)）])?[\s\u3000]*/;
const CLOSING = /^(谢谢|此致|敬礼|祝好|祝您|顺祝|发自我的|Sent from|--\s*$|——)/i;
/**
 * The form's own footnote (注：请完整填写此表发送至 bisaihuodong@126.com 邮箱。) and notes like it: they end the field
 * before them, on their own line or after a value on the same line, and are never part of a value.
 */
const FOOTNOTE = /(?<=^|[\s\u3000。；;])[\s\u3000]*(?:[*＊※]?[\s\u3000]*(?:备[\s\u3000]*注|注[\s\u3000]*[0-9０-９一二三]?|说[\s\u3000]*明|填表说明|附注|温馨提示)[\s\u3000]*[:：]|请(?:完整|如实|认真)?填写此表)/;
const HAS_LINK = /https?:\/\/|[a-z0-9-]+\.(?:douyin|iesdouyin)\.com\//i;

/** The text before a footnote that follows a value on the same line, or the line as it is. */
function beforeFootnote(text: string): { text: string; cut: boolean } {
  const m = FOOTNOTE.exec(text);
  return m ? { text: text.slice(0, m.index), cut: true } : { text, cut: false };
}

/**
 * A form typed line by line (in a mail body, or as paragraphs of a document): `label：value` lines, several
 * on one line, a value on the line after an empty label (or after a label standing alone), an introduction
 * running on until a blank line, the next label or the form's footnote, and a link field running on over lines
 * that hold more links (the pieces of a group work).
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
    const whole = rawLine.replace(ENUMERATOR, '').replace(/^[【\[]([^】\]]{1,12})[】\]]/, '$1');
    const { text: line, cut } = beforeFootnote(whole);
    if (!line.trim()) { open = null; continue; }
    const segments = scanLabeled(line, labels);
    const bare = segments.length === 0 ? labels.keyOf(line) : null;
    if (bare) {
      labelled.add(bare);
      open = cut ? null : { field: bare, multiline: true };
      continue;
    }
    if (startsWithLabel(segments, line)) {
      for (const s of segments) {
        labelled.add(s.key);
        append(s.key, s.value, null);
      }
      const last = segments[segments.length - 1]!;
      open = cut ? null : { field: last.key, multiline: last.key === 'intro' || last.key === 'link' || !last.value };
      continue;
    }
    const continues = open?.multiline && !CLOSING.test(line.trim()) && (open.field !== 'link' || HAS_LINK.test(line) || !(values.get('link') ?? []).length);
    if (open && continues) {
      const has = (values.get(open.field) ?? []).length > 0;
      append(open.field, line.trim(), has ? '\n' : null);
      if (open.field !== 'intro' && open.field !== 'link') open = null;
      if (cut) open = null;
      continue;
    }
    open = null;
  }
  const fields: FormFields = {};
  for (const [field, list] of values) if (list.length) fields[field] = list.join('\n');
  return { fields, labelled };
}
