import { localStamp } from '../domain/contest-calendar.ts';
import { ENTRY_STATUS_LABELS, label } from '../domain/state-labels.ts';
import { safeCell } from '../domain/text-safety.ts';
import { maskPhone, maskPhonesInText } from '../privacy.ts';
import type { ExportData } from './export-data.ts';

/**
 * The entries as CSV, in the notice's summary-form columns plus status and problems. UTF-8 with a BOM (without it
 * Excel on Chinese Windows reads the file as GBK and shows mojibake), CRLF, RFC 4180 quoting, and every cell from
 * mail neutralized: a CSV cell starting with `=` is a live formula in Excel, the classic injection.
 */

export const CSV_COLUMNS = ['序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码', '状态', '问题', '推荐单位', '收到时间', '发件人', '条目编号', '核对与备注'];

function field(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderEntriesCsv(data: ExportData, opts: { maskPhones?: boolean } = {}): string {
  const text = (v: string | null | undefined) => safeCell(opts.maskPhones && v ? maskPhonesInText(v) : v);
  const phone = (v: string | null) => (v ? safeCell(opts.maskPhones ? maskPhone(v) : v) : '');
  const lines = [CSV_COLUMNS.map(field).join(',')];
  data.entries.forEach((e, i) => {
    lines.push([
      i + 1, text(e.title), text(e.authors.join('、')), text(e.occupationUnit), text(e.link), phone(e.phone),
      label(ENTRY_STATUS_LABELS, e.status), text(e.problems.join('；')), text(e.unit), localStamp(e.receivedAt, data.timezone),
      text(e.sender), e.id, text(e.review.join('；')),
    ].map(field).join(','));
  });
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
