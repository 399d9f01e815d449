import path from 'node:path';
import { buildMail, delivered, type ClientName } from '../../fixtures/scripts/eml/clients.ts';
import { CONTEST, DOCX, XLSX, defaultBody } from '../../fixtures/scripts/eml/kit.ts';
import { registrationDocx, summaryXlsx } from '../../fixtures/scripts/eml/office.ts';
import { exchangeOutOfOffice, netEaseBounce, newsletter, spam } from '../../fixtures/scripts/eml/robots.ts';
import { writeVideoMessage } from '../../tests/setup/big-mail.ts';
import type { DocxVariants } from './docx-variants.ts';
import type { PlannedMail } from './mailbox-plan.ts';
import { personForm, summaryForm, type UnitPick } from './people.ts';

/**
 * One planned message as the bytes a mail client would have sent. Small messages come back in memory; a video
 * message is streamed to a file (it is up to ~80 MB) and only its path travels. The form document inside is
 * returned as well, for the parse-limit contender that reads the same documents straight from memory.
 */

export interface RenderedMail {
  index: number;
  kind: PlannedMail['kind'];
  date: Date;
  /** The whole message (small messages). */
  raw: Buffer | null;
  /** The message on disk (video messages); the caller deletes it after the APPEND. */
  file: string | null;
  size: number;
  form: { ext: 'docx' | 'xlsx'; bytes: Buffer; template: string } | null;
}

export interface RenderContext {
  variants: DocxVariants;
  units: UnitPick[];
  /** Folder for video messages on their way to the server. */
  spoolDir: string;
}

const CLIENTS: ClientName[] = ['coremail', 'foxmail', 'iphone', 'outlook', 'qq'];
const DOMAINS = ['126.com', '163.com', 'qq.com', 'sina.com', 'foxmail.com', 'icloud.com'];

function senderOf(i: number, name: string): { name: string; address: string } {
  return { name, address: `bench${String(i).padStart(5, '0')}@${DOMAINS[i % DOMAINS.length]}` };
}

async function registration(m: PlannedMail, ctx: RenderContext): Promise<RenderedMail> {
  const form = personForm(m.index);
  const client = CLIENTS[m.index % CLIENTS.length]!;
  const { template, bytes } = await ctx.variants.make(m.index, form);
  const filename = m.index % 2 ? `参赛登记表-${form.name}.docx` : `附件1：第六届“最美 in 温州”抖音创意大赛参赛登记表（${form.title}）.docx`;
  const subject = `最美in温州+${form.title}+${form.name}`;
  const raw = buildMail({
    client, from: senderOf(m.index, form.name), to: [CONTEST], subject, date: m.date, text: defaultBody(form, client),
    attachments: [{ filename, contentType: DOCX, content: bytes }], seed: `bench:${m.index}`,
  });
  const full = delivered(raw, { returnPath: `<${senderOf(m.index, form.name).address}>`, date: m.date, seed: `bench:${m.index}` });
  return { index: m.index, kind: m.kind, date: m.date, raw: full, file: null, size: full.length, form: { ext: 'docx', bytes, template } };
}

async function summary(m: PlannedMail, ctx: RenderContext): Promise<RenderedMail> {
  const unit = ctx.units[m.index % ctx.units.length]!;
  const s = summaryForm(m.index, unit, m.rows);
  const bytes = await summaryXlsx(s);
  const client: ClientName = m.index % 2 ? 'coremail' : 'foxmail';
  const subject = `最美in温州+${unit.name}推荐作品汇总表+${unit.name}`;
  const from = senderOf(m.index, s.contact);
  const raw = buildMail({
    client, from, to: [CONTEST], subject, date: m.date,
    text: `您好！\n附件是${unit.name}第六届“最美in温州”抖音创意大赛推荐作品汇总表，共${s.rows.length}件作品，请查收。\n${s.contact} ${s.contactPhone}`,
    attachments: [{ filename: `${unit.name}“最美in温州”推荐汇总表.xlsx`, contentType: XLSX, content: bytes }], seed: `bench:${m.index}`,
  });
  const full = delivered(raw, { returnPath: `<${from.address}>`, date: m.date, seed: `bench:${m.index}` });
  return { index: m.index, kind: m.kind, date: m.date, raw: full, file: null, size: full.length, form: { ext: 'xlsx', bytes, template: 'summaryXlsx' } };
}

function robot(m: PlannedMail): RenderedMail {
  const p = personForm(m.index);
  const original = {
    to: senderOf(m.index, p.name).address, subject: `Re: 最美in温州+${p.title}+${p.name}`,
    messageId: `<reply-${m.index.toString(16)}@contest-intake.bisaihuodong.126.com>`, date: new Date(m.date.getTime() - 60_000),
  };
  let raw: Buffer;
  switch (m.index % 4) {
    case 0:
      raw = spam({ date: m.date, subject: `恭喜！您已获得抖音官方流量扶持名额（${m.index}）`,
        html: `<html><body><p>尊敬的用户：</p><p>参与 #最美in温州 话题即可免费领取<b>1000元</b>抖音流量券！编号 ${m.index}。</p></body></html>` });
      break;
    case 1:
      raw = newsletter({ date: m.date, subject: `【温州文旅周刊】第${m.index}期：最美in温州抖音创意大赛进行时`,
        text: '本期看点：“最美in温州”抖音创意大赛进行时。', html: `<html><body><h2>温州文旅周刊 第${m.index}期</h2><p>“最美in温州”抖音创意大赛进行时。</p></body></html>` });
      break;
    case 2:
      raw = exchangeOutOfOffice({ date: m.date, fromName: p.name, from: original.to, original, text: `您好，本人外出，期间邮件可能无法及时回复。\n${p.name}` });
      break;
    default:
      raw = netEaseBounce({ date: m.date, status: '5.1.1', original,
        reason: `收件人邮箱地址不存在或已被停用。\n550 5.1.1 <${original.to}>: Recipient address rejected: User unknown` });
  }
  return { index: m.index, kind: m.kind, date: m.date, raw, file: null, size: raw.length, form: null };
}

async function video(m: PlannedMail, ctx: RenderContext): Promise<RenderedMail> {
  const form = personForm(m.index);
  const file = path.join(ctx.spoolDir, `video-${m.index}.eml`);
  const size = await writeVideoMessage(file, m.videoBytes, {
    subject: `最美in温州+${form.title}+${form.name}`, from: senderOf(m.index, form.name), date: m.date, form,
    videoFilename: `最美in温州-${form.title}.mp4`,
  });
  // big-mail.ts attaches registrationDocx(form): deterministic bytes, so this is the very document in the mail.
  return { index: m.index, kind: m.kind, date: m.date, raw: null, file, size, form: { ext: 'docx', bytes: await registrationDocx(form), template: 'registrationDocx' } };
}

export function renderMail(m: PlannedMail, ctx: RenderContext): Promise<RenderedMail> {
  switch (m.kind) {
    case 'registration': return registration(m, ctx);
    case 'summary': return summary(m, ctx);
    case 'robot': return Promise.resolve(robot(m));
    case 'video': return video(m, ctx);
  }
}
