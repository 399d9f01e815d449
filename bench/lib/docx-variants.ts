import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import type { RegistrationForm } from '../../fixtures/scripts/eml/office.ts';

/**
 * The real registration forms of fixtures/documents, filled with other people's values: each template names the
 * text runs (`<w:t>`) that hold the original values, in document order; a value split over several runs (Word
 * does that) gets the new value in its first run and empties the rest. Layout, styles and quirks stay the
 * template's own, so the parser meets the same documents as in the tests.
 */

type Field = (p: RegistrationForm) => string;

interface Template {
  file: string;
  /** [the original value as the runs spell it, joined; what to write instead] in document order. */
  values: [string, Field][];
}

const share = (tail: string): Field => (p) => `7.89 复制打开抖音，看看【${p.name}的作品】${p.title} # 最美in温州 ${p.link}${tail}`;

const CHEN_4COL: [string, Field][] = [
  ['陈晓东', (p) => p.name], ['摄影记者', (p) => p.occupation], ['温州日报社', (p) => p.unit], ['五马街的清晨', (p) => p.title],
  ['7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 # 最美in温州 https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go', share(' Mxm:/ 01/23 a@a.Go')],
  ['13857712345', (p) => p.phone], ['温州市鹿城区五马街88号', (p) => p.address],
  ['清晨六点的五马街，老字号陆续开门，早点摊升起第一缕热气。镜头记录下温州人一天的开始。', (p) => p.intro],
];

const TEMPLATES: Template[] = [
  // reg-no-styles.docx is left out: mammoth throws on it and the service converts it with LibreOffice (about 2 s,
  // see bench/extract-bench.ts), a rare case that would turn this benchmark into one of LibreOffice.
  { file: 'reg-word-4col.docx', values: CHEN_4COL },
  {
    file: 'reg-word-2col.docx', values: [
      ['林巧巧', (p) => p.name], ['外卖骑手', (p) => p.occupation], ['美团温州瓯海站', (p) => p.unit], ['骑行温州的一天', (p) => p.title],
      ['https://v.douyin.com/iRPq3cLd/', (p) => p.link], ['139 0577 1234', (p) => p.phone], ['温州市瓯海区娄桥街道古岸头村', (p) => p.address],
      ['一单接一单，穿过大街小巷。骑手眼中的温州，是热气腾腾的烟火气。', (p) => p.intro],
    ],
  },
  {
    file: 'reg-wps-style.docx', values: [
      ['王海燕', (p) => p.name], ['教师', (p) => p.occupation], ['瑞安市实验中学', (p) => p.unit], ['塘河夜色', (p) => p.title],
      ['https://v.douyin.com/iRkM2nB4/', (p) => p.link], ['0577-65812345', (p) => p.phone], ['瑞安市安阳街道万松路1号', (p) => p.address],
      ['温瑞塘河的夜，灯影桨声。', (p) => p.intro],
    ],
  },
  {
    file: 'reg-libreoffice.docx', values: [
      ['陈晓东', (p) => p.name], ['摄影记者', (p) => p.occupation], ['温州日报社', (p) => p.unit], ['五马街的清晨', (p) => p.title],
      ['7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 # 最美in温州 https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go', share(' Mxm:/ 01/23 a@a.Go')],
      ['13857712345', (p) => p.phone], ['温州市鹿城区五马街88号', (p) => p.address],
      ['清晨六点的五马街，老字号陆续开门，早点摊升起第一缕热气。镜头记录下温州人一天的开始。', (p) => p.intro],
    ],
  },
  {
    file: 'reg-inline-cells.docx', values: [
      ['张伟', (p) => p.name], ['职业：快递员', (p) => `职业：${p.occupation}`], ['单位：顺丰速运温州分公司', (p) => `单位：${p.unit}`],
      ['作品题目：楠溪江上的竹筏', (p) => `作品题目：${p.title}`],
      ['3.05 复制打开抖音，看看【张伟的作品】楠溪江上的竹筏 # 最美in温州 # 永嘉 https://v.douyin.com/iRTs9kLm/ 11/08 u@F.vS kPx:/', share(' 11/08 u@F.vS kPx:/')],
      ['手机号码：13600001111', (p) => `手机号码：${p.phone}`], ['通讯地址：温州市永嘉县上塘镇', (p) => `通讯地址：${p.address}`],
      ['作品简介：竹筏顺流而下，两岸青山倒映江中。', (p) => `作品简介：${p.intro}`],
    ],
  },
  {
    file: 'reg-values-below.docx', values: [
      ['吴丽娜', (p) => p.name], ['导游', (p) => p.occupation], ['雁荡山旅游集团', (p) => p.unit], ['雁荡山的云', (p) => p.title],
      ['https://v.douyin.com/iRw5GhJk/', (p) => p.link], ['13567788990', (p) => p.phone], ['乐清市雁荡镇', (p) => p.address],
      ['云海翻涌，奇峰时隐时现。', (p) => p.intro],
    ],
  },
];

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

interface Run { start: number; end: number; text: string }

interface Loaded {
  file: string;
  zip: JSZip;
  xml: string;
  /** For each value: the runs to rewrite. */
  slots: { runs: Run[]; field: Field }[];
  /** The template's own Douyin links: they also hide in hyperlink targets and field codes. */
  links: string[];
  /** The relationships part when it holds an original link as a hyperlink target. */
  rels: { name: string; xml: string } | null;
}

function runsOf(xml: string): Run[] {
  const runs: Run[] = [];
  const re = /<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const textStart = m.index + m[0].indexOf('>') + 1;
    runs.push({ start: textStart, end: textStart + m[1]!.length, text: unescapeXml(m[1]!) });
  }
  return runs;
}

/** Finds each original value as a sequence of consecutive runs, in order; null when the template changed. */
function locate(runs: Run[], values: [string, Field][]): Loaded['slots'] | null {
  const slots: Loaded['slots'] = [];
  let from = 0;
  for (const [original, field] of values) {
    let found: Run[] | null = null;
    for (let i = from; i < runs.length && !found; i++) {
      let joined = '';
      for (let j = i; j < runs.length && joined.length < original.length; j++) {
        joined += runs[j]!.text;
        if (joined === original) { found = runs.slice(i, j + 1); from = j + 1; }
      }
    }
    if (!found) return null;
    slots.push({ runs: found, field });
  }
  return slots;
}

export class DocxVariants {
  /** make() edits a template's zip in place: calls are chained so two never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly templates: Loaded[], readonly skipped: string[]) {}

  static async load(documentsDir: string): Promise<DocxVariants> {
    const loaded: Loaded[] = [];
    const skipped: string[] = [];
    for (const t of TEMPLATES) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(documentsDir, t.file));
      } catch {
        skipped.push(`${t.file} (missing)`);
        continue;
      }
      const zip = await JSZip.loadAsync(bytes);
      const xml = await zip.file('word/document.xml')?.async('string');
      const slots = xml ? locate(runsOf(xml), t.values) : null;
      if (!xml || !slots) { skipped.push(`${t.file} (its values moved)`); continue; }
      // A hyperlink keeps its address in the relationships part: mammoth reads it from there.
      const relsName = 'word/_rels/document.xml.rels';
      const relsXml = (await zip.file(relsName)?.async('string')) ?? '';
      const links = t.values.flatMap(([original]) => original.match(/https:\/\/v\.douyin\.com\/[A-Za-z0-9]+\//g) ?? []);
      const rels = links.some((l) => relsXml.includes(l)) ? { name: relsName, xml: relsXml } : null;
      loaded.push({ file: t.file, zip, xml, slots, links, rels });
    }
    if (loaded.length === 0) throw new Error(`no usable registration template in ${documentsDir}: ${skipped.join(', ')}`);
    return new DocxVariants(loaded, skipped);
  }

  get names(): string[] {
    return this.templates.map((t) => t.file);
  }

  /** Template `i mod n` filled with `p`. */
  make(i: number, p: RegistrationForm): Promise<{ template: string; bytes: Buffer }> {
    const next = this.queue.then(() => this.fill(i, p));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async fill(i: number, p: RegistrationForm): Promise<{ template: string; bytes: Buffer }> {
    const t = this.templates[i % this.templates.length]!;
    const edits: { start: number; end: number; text: string }[] = [];
    for (const slot of t.slots) {
      slot.runs.forEach((run, k) => edits.push({ start: run.start, end: run.end, text: k === 0 ? escapeXml(slot.field(p)) : '' }));
    }
    edits.sort((a, b) => b.start - a.start);
    let xml = t.xml;
    for (const e of edits) xml = xml.slice(0, e.start) + e.text + xml.slice(e.end);
    const relink = (text: string) => t.links.reduce((x, l) => x.split(l).join(escapeXml(p.link)), text);
    t.zip.file('word/document.xml', relink(xml));
    if (t.rels) t.zip.file(t.rels.name, relink(t.rels.xml));
    const bytes = await t.zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    return { template: t.file, bytes };
  }
}
