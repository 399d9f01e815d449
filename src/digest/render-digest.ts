import { escapeHtml } from '../domain/text-safety.ts';
import type { DigestData } from './digest-data.ts';
import {
  clean, describeDigest, STATE_COLOR, STATE_LABEL, type Cell, type DigestView, type Item, type Part, type Run, type UnitState,
} from './digest-view.ts';

/**
 * The organizers' morning mail, rendered from its one description (digest-view.ts) as HTML and as plain text.
 * Pure. The HTML is built for webmail and phones: tables at most 600 px wide, inline CSS only, no script, no remote
 * image, long values allowed to break. Every value is escaped here, and every value from mail made one line and
 * its phone numbers masked: the renderer is the last place that sees the data.
 */

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

export function renderDigest(data: DigestData, now: Date): RenderedDigest {
  const view = describeDigest(data, now);
  return { subject: view.subject, html: toHtml(view), text: toText(view) };
}

const runText = (r: Run): string => (r.mail === undefined ? r.text : clean(r.text, r.mail));
const plain = (runs: readonly Run[]): string => runs.map(runText).join('');

// ---- HTML -----------------------------------------------------------------------------------------------

const FONT = "font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif";
// Font, colour and word breaking are inherited from the container: repeating them per cell would push a long
// digest past Gmail's 102 KB clipping limit.
const TD = 'padding:6px 8px;border-bottom:1px solid #eef0f3;font-size:14px;vertical-align:top;';

function runsHtml(runs: readonly Run[]): string {
  return runs.map((r) => (r.bold ? `<b>${escapeHtml(runText(r))}</b>` : escapeHtml(runText(r)))).join('');
}

function bar(counted: number, quota: number, state: UnitState): string {
  const pct = quota > 0 ? Math.min(100, Math.round((counted / quota) * 100)) : 100;
  const fill = pct > 0 ? `<td width="${pct}%" style="width:${pct}%;background:${STATE_COLOR[state]};height:10px;font-size:0;line-height:0">&nbsp;</td>` : '';
  const rest = pct < 100 ? `<td style="background:#e5e7eb;height:10px;font-size:0;line-height:0">&nbsp;</td>` : '';
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;table-layout:fixed;border-radius:5px"><tr>${fill}${rest}</tr></table>`;
}

function cellHtml(c: Cell): string {
  if (Array.isArray(c)) return runsHtml(c);
  if ('bar' in c) return bar(c.bar.counted, c.bar.quota, c.bar.state);
  if ('badge' in c) {
    return `<span style="display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;color:#fff;background:${STATE_COLOR[c.badge]};white-space:nowrap">${STATE_LABEL[c.badge]}</span>`;
  }
  return `<span style="font-size:12px;color:${c.mark.color};font-weight:bold">${escapeHtml(c.mark.text)}</span>`;
}

function tableHtml(p: Extract<Part, { type: 'table' }>): string {
  const cols = p.widths ? `<colgroup>${p.widths.map((w) => `<col style="width:${w}">`).join('')}</colgroup>` : '';
  const th = p.head
    ? `<tr>${p.head.map((c) => `<th align="left" style="${TD}font-weight:bold;color:#555;background:#f6f7f9;font-size:13px">${escapeHtml(c)}</th>`).join('')}</tr>`
    : '';
  const rows = p.rows.map((cells) => `<tr>${cells.map((c, i) => `<td align="${p.align?.[i] ?? 'left'}" style="${TD}">${cellHtml(c)}</td>`).join('')}</tr>`);
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;table-layout:fixed">${cols}${th}${rows.join('')}</table>`;
}

function itemHtml(item: Item): string {
  const points = item.points.map((r) => `<li style="margin:0">${runsHtml([r])}</li>`).join('');
  return '<div style="padding:8px 0;border-bottom:1px solid #eef0f3;font-size:14px">'
    + `<div><b>${runsHtml(item.title)}</b> <span style="color:#888;font-size:12px;white-space:nowrap">${escapeHtml(item.ref)}</span></div>`
    + (item.who.length ? `<div style="color:#555;font-size:13px">${item.who.map(runsHtml).join(' · ')}</div>` : '')
    + (points ? `<ul style="margin:2px 0 0;padding-left:18px;color:#333">${points}</ul>` : '')
    + (item.footnote !== undefined ? `<div style="font-size:12px;color:#666">${escapeHtml(item.footnote)}</div>` : '')
    + '</div>';
}

function partHtml(p: Part): string {
  switch (p.type) {
    case 'table': return tableHtml(p);
    case 'subheading': return `<p style="margin:10px 0 4px;font-size:14px;font-weight:bold;color:#333">${runsHtml(p.runs)}</p>`;
    case 'items': return p.items.map(itemHtml).join('');
    case 'none': return `<p style="margin:0;font-size:14px;color:#2e7d32">${escapeHtml(p.text)}</p>`;
    case 'remark': return `<p style="margin:6px 0 0;font-size:13px;color:#666">${escapeHtml(p.text)}</p>`;
  }
}

function toHtml(view: DigestView): string {
  const header = '<tr><td style="padding:18px 16px 6px;background:#1f3b63">'
    + `<div style="font-size:13px;color:#cfd8e6">${escapeHtml(view.header.kicker)}</div>`
    + `<div style="font-size:20px;font-weight:bold;color:#fff;line-height:1.4">${escapeHtml(view.header.title)}</div>`
    + `<div style="font-size:12px;color:#cfd8e6;padding-bottom:8px">${view.header.meta.map(escapeHtml).join(' · ')}</div></td></tr>`;
  const figures = `<tr><td style="padding:12px 12px 0"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;table-layout:fixed"><tr>`
    + view.figures.map((f) => '<td align="center" style="width:33%;padding:10px 4px;background:#f3f6fa;border:4px solid #fff">'
      + `<div style="font-size:12px;color:#666">${escapeHtml(f.title)}</div><div style="font-size:24px;font-weight:bold;color:#1f3b63;line-height:1.3">${escapeHtml(f.value)}</div>`
      + `<div style="font-size:12px;color:#666">${escapeHtml(f.sub)}</div></td>`).join('')
    + '</tr></table></td></tr>';
  const sections = view.sections.map((s) => '<tr><td style="padding:18px 16px 4px">'
    + `<h2 style="margin:0 0 8px;font-size:17px;line-height:1.4;color:#1f3b63;border-left:4px solid #2f6fb3;padding-left:8px">${escapeHtml(s.title)}</h2>`
    + (s.note ? `<p style="margin:0 0 8px;font-size:13px;color:#666">${escapeHtml(s.note)}</p>` : '')
    + `${s.parts.map(partHtml).join('')}</td></tr>`);
  const footer = `<tr><td style="padding:16px;font-size:12px;color:#888">${escapeHtml(view.footer)}</td></tr>`;
  return '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width,initial-scale=1">'
    + `<title>${escapeHtml(view.subject)}</title></head>`
    + `<body style="margin:0;padding:0;background:#f2f4f7;${FONT}">`
    + '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;background:#f2f4f7"><tr><td align="center" style="padding:12px 6px">'
    + `<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#fff;border-collapse:collapse;table-layout:fixed;color:#222;line-height:1.5;overflow-wrap:anywhere;word-wrap:break-word;${FONT}">`
    + header + figures + sections.join('') + footer
    + '</table></td></tr></table></body></html>';
}

// ---- plain text -----------------------------------------------------------------------------------------

function cellText(c: Cell): string {
  if (Array.isArray(c)) return plain(c);
  if ('bar' in c) return '';
  if ('badge' in c) return STATE_LABEL[c.badge];
  return c.mark.text;
}

/** A row as one line: its first cell, then the others. */
function rowText(cells: readonly Cell[]): string {
  const [first, ...rest] = cells.map(cellText).filter((t) => t !== '');
  return rest.length ? `  ${first}：${rest.join(' ')}` : `  ${first ?? ''}`;
}

function itemText(item: Item): string[] {
  const head = [item.ref, plain(item.title), ...item.who.map(plain)].join(' ');
  return [`  ${head}`, ...item.points.map((r) => `    - ${runText(r)}`), ...(item.footnote !== undefined ? [`    ${item.footnote}`] : [])];
}

function partText(p: Part): string[] {
  switch (p.type) {
    case 'table': return p.rows.map(rowText);
    case 'subheading': return [`  ${plain(p.runs)}`];
    case 'items': return p.items.flatMap(itemText);
    case 'none':
    case 'remark': return [`  ${p.text}`];
  }
}

function toText(view: DigestView): string {
  const lines = [
    `${view.header.kicker} ${view.header.title}`,
    view.header.meta.join('；'),
    view.figures.map((f) => `${f.title} ${f.value}（${f.sub}）`).join('；'),
  ];
  for (const s of view.sections) {
    lines.push('', `【${s.title}】`);
    if (s.note) lines.push(`  ${s.note}`);
    for (const p of s.parts) lines.push(...partText(p));
  }
  lines.push('', view.footer);
  return `${lines.join('\n')}\n`;
}
