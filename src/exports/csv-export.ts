import { localStamp } from '../domain/contest-calendar.ts';
import { ENTRY_STATE_LABELS, label } from '../domain/state-labels.ts';
import type { ExportData } from './export-data.ts';
import { texts } from './workbook-kit.ts';

/**
 * The entries as CSV, in the notice's summary-form columns, then 通讯地址, 作品简介, the new-employment flag, the
 * state and the problems. UTF-8 with a BOM (without it Excel on Chinese Windows reads the file as GBK and shows
 * mojibake), CRLF, RFC 4180 quoting, and every cell from mail neutralized: a CSV cell starting with `=` is a live
 * formula in Excel, the classic injection.
 */

export const CSV_COLUMNS = [
  '序号', '作品题目', '作者姓名', '职业/单位', '作品链接', '手机号码', '通讯地址', '作品简介', '新就业群体', '推荐单位', '登记状态', '问题',
  '收到时间', '发件人', '条目编号', '核对与备注',
];

function field(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderEntriesCsv(data: ExportData, opts: { maskPhones?: boolean } = {}): string {
  const t = texts(opts.maskPhones ?? false);
  const lines = [CSV_COLUMNS.map(field).join(',')];
  data.entries.forEach((e, i) => {
    lines.push([
      i + 1, t.text(e.title), t.text(e.authors.join('、')), t.text(e.occupationUnit), t.text(e.link), t.phone(e.phone), t.address(e.address),
      t.text(e.intro), e.newEmployment ? '是' : '', t.text(e.unit) || '个人', label(ENTRY_STATE_LABELS, e.state), t.text(e.problems.join('；')),
      localStamp(e.receivedAt, data.timezone), t.text(e.sender), e.id, t.text(e.review.join('；')),
    ].map(field).join(','));
  });
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
