import JSZip from 'jszip';
import { escapeHtml } from '../domain/text-safety.ts';

/**
 * The blank 附件1 registration form as the notice prints it, generated as a .docx (plain OOXML through jszip),
 * attached to every reply that asks for a correction. Built once per process and cached; the bytes are the
 * same every time (fixed zip dates), so a re-rendered reply is identical.
 */

export interface BlankFormText {
  /** 第六届“最美 in 温州”抖音创意大赛 */
  contestName: string;
  mailbox: string;
}

export const DEFAULT_FORM_TEXT: BlankFormText = { contestName: '第六届“最美 in 温州”抖音创意大赛', mailbox: 'bisaihuodong@126.com' };

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const FIXED_DATE = new Date('2024-04-03T00:00:00Z');
// A4 with 2.8 cm side margins: 8730 twips of text width in four grid columns (label, value, label, value).
// Not six columns with 姓名 | 职业 | 单位 side by side: three labels in one row is what a 推荐汇总表's column header
// looks like, and the project's own form reader (extract/forms-from-content.ts) then reads the filled-in form as a
// unit summary. Four columns keep every label next to its value, which every reader understands.
const GRID = [1560, 2805, 1560, 2805];

const x = (s: string) => escapeHtml(s);

function run(text: string, opts: { size?: number; bold?: boolean; font?: string } = {}): string {
  const font = opts.font ?? '仿宋';
  const props = `<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="${font}"/>${opts.bold ? '<w:b/>' : ''}`
    + `<w:sz w:val="${opts.size ?? 28}"/><w:szCs w:val="${opts.size ?? 28}"/></w:rPr>`;
  return `<w:r>${props}<w:t xml:space="preserve">${x(text)}</w:t></w:r>`;
}

function para(text: string, opts: { align?: 'left' | 'center'; size?: number; bold?: boolean; font?: string; after?: number } = {}): string {
  return `<w:p><w:pPr><w:spacing w:before="0" w:after="${opts.after ?? 0}"/><w:jc w:val="${opts.align ?? 'left'}"/></w:pPr>${text ? run(text, opts) : ''}</w:p>`;
}

function cell(text: string, span = 1, label = false): string {
  const width = GRID.slice(0, span).reduce((a, b) => a + b, 0);
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ''}<w:vAlign w:val="center"/></w:tcPr>`
    + `${para(text, { align: 'center', bold: label })}</w:tc>`;
}

function row(cells: string[], heightTwips: number): string {
  return `<w:tr><w:trPr><w:trHeight w:val="${heightTwips}" w:hRule="atLeast"/></w:trPr>${cells.join('')}</w:tr>`;
}

function documentXml(t: BlankFormText): string {
  const border = (side: string) => `<w:${side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>`;
  const table = `<w:tbl><w:tblPr><w:tblW w:w="${GRID.reduce((a, b) => a + b, 0)}" w:type="dxa"/><w:jc w:val="center"/>`
    + `<w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map(border).join('')}</w:tblBorders>`
    + '<w:tblLayout w:type="fixed"/></w:tblPr>'
    + `<w:tblGrid>${GRID.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`
    + row([cell('姓名', 1, true), cell(''), cell('职业', 1, true), cell('')], 900)
    + row([cell('单位', 1, true), cell('', 3)], 900)
    + row([cell('作品题目', 1, true), cell('', 3)], 900)
    + row([cell('链接地址', 1, true), cell('', 3)], 1200)
    + row([cell('手机号码', 1, true), cell(''), cell('通讯地址', 1, true), cell('')], 900)
    + row([cell('作品简介（200 字以内）', 1, true), cell('', 3)], 5200)
    + '</w:tbl>';
  const body = [
    para('附件1', { font: '黑体', size: 32, after: 240 }),
    para(`${t.contestName}参赛登记表`, { align: 'center', font: '宋体', size: 36, bold: true, after: 360 }),
    table,
    para(`注：请完整填写此表发送至 ${t.mailbox} 邮箱。`, { size: 24 }),
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W}"><w:body>${body}`
    + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1588" w:bottom="1440" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
    + '</w:body></w:document>';
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`;

const DOCUMENT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="${W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋"/><w:sz w:val="28"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>`;

function coreXml(t: BlankFormText): string {
  const at = FIXED_DATE.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${x(`${t.contestName}参赛登记表`)}</dc:title><dc:creator>contest-intake</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified></cp:coreProperties>`;
}

const APP_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>contest-intake</Application></Properties>`;

export async function buildBlankForm(text: BlankFormText = DEFAULT_FORM_TEXT): Promise<Buffer> {
  const zip = new JSZip();
  const add = (name: string, content: string) => zip.file(name, content, { date: FIXED_DATE, createFolders: false });
  add('[Content_Types].xml', CONTENT_TYPES);
  add('_rels/.rels', ROOT_RELS);
  add('word/document.xml', documentXml(text));
  add('word/_rels/document.xml.rels', DOCUMENT_RELS);
  add('word/styles.xml', STYLES);
  add('docProps/core.xml', coreXml(text));
  add('docProps/app.xml', APP_XML);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

const cache = new Map<string, Promise<Buffer>>();

/** The cached bytes of the blank form for these texts. */
export function blankForm(text: BlankFormText = DEFAULT_FORM_TEXT): Promise<Buffer> {
  const key = `${text.contestName}\u0000${text.mailbox}`;
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = buildBlankForm(text);
    // A failed build is not cached: the next reply tries again.
    bytes.catch(() => cache.delete(key));
    cache.set(key, bytes);
  }
  return bytes;
}
