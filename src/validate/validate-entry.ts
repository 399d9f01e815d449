import { parseSubject, type SubjectParse } from '../classify/subject.ts';
import type { ContestConfig } from '../config.ts';
import { sameAuthor, splitAuthors } from '../domain/authors.ts';
import { formatIsoDate, formatLocalDateTime, isAfterDeadline } from '../domain/contest-calendar.ts';
import type { EntryDraft } from '../domain/entry-draft.ts';
import type { FieldName } from '../domain/field-name.ts';
import type { FormSource } from '../domain/form-source.ts';
import type { MessageKind } from '../domain/message-kind.ts';
import { problem, type Problem, type ProblemCode } from '../domain/problem.ts';
import { charCount, presentValue, stripTitleQuotes, textKey } from '../domain/text-key.ts';
import type { ExtractedForm, ExtractedRegistration, ExtractedSummary, FormFields } from '../extract/form-types.ts';
import { PLATFORM_NAMES, readLinkField, type LinkPlatform } from './douyin-link.ts';
import { isNewEmployment } from './new-employment.ts';
import { parsePhone } from './phone.ts';
import { summaryRowRef } from './row-ref.ts';

/**
 * Turns what extraction read into entry drafts, each with every problem a submitter must fix. Pure: the same
 * form, rules and arrival time always give the same drafts, which is what `reprocess` relies on.
 */

export interface ValidationContext {
  contest: ContestConfig;
  /** The parsed mail subject; null when it says nothing about this form (several forms in one mail). */
  subject: SubjectParse | null;
  /** IMAP INTERNALDATE: when the mail reached the contest mailbox. */
  receivedAt: Date;
  kind: MessageKind;
}

/** The 登记表's own words for its fields, so the sentence names what the submitter sees on the form. */
const REGISTRATION_LABELS: Record<FieldName, string> = {
  name: '姓名', occupation: '职业', unit: '单位', title: '作品题目',
  link: '链接地址', phone: '手机号码', address: '通讯地址', intro: '作品简介',
};
const SUMMARY_LABELS: Record<FieldName, string> = {
  ...REGISTRATION_LABELS, name: '作者姓名', unit: '职业/单位', occupation: '职业/单位', link: '作品链接',
};
const BASE_REQUIRED: FieldName[] = ['name', 'title', 'link', 'phone'];
const FIELD_ORDER: FieldName[] = ['name', 'occupation', 'unit', 'title', 'link', 'phone', 'address', 'intro'];
// The summary form (附件2) has no address or introduction column: requiring them there would fail every row.
const SUMMARY_COLUMNS = new Set<FieldName>(['name', 'occupation', 'unit', 'title', 'link', 'phone']);

interface DraftSource {
  form: 'registration' | 'summary';
  sourceRow: number | null;
  /** The row's 序号 as the sender wrote it. */
  index?: string;
  recommender: string | null;
  newEmploymentColumn: string | undefined;
  source: FormSource;
}

function requiredFields(contest: ContestConfig, form: DraftSource['form']): FieldName[] {
  const wanted = new Set<FieldName>([...BASE_REQUIRED, ...contest.requiredFields]);
  return FIELD_ORDER.filter((f) => wanted.has(f) && (form === 'registration' || SUMMARY_COLUMNS.has(f)));
}

function where(src: DraftSource, title: string | null): string {
  if (src.form !== 'summary') return '登记表';
  return `推荐汇总表${summaryRowRef({ index: src.index ?? null, row: src.sourceRow, title })}`;
}

function platformList(platforms: LinkPlatform[]): string {
  return [...new Set(platforms)].map((p) => PLATFORM_NAMES[p]).join('、');
}

function linkProblems(value: string, label: string, contest: ContestConfig): { works: string[]; others: string[]; problems: Problem[] } {
  const { works, rejected } = readLinkField(value, contest.douyinHosts);
  const problems: Problem[] = [];
  const foreign = rejected.filter((l) => l.platform !== 'douyin' && l.platform !== 'large_attachment');
  const mailLinks = rejected.filter((l) => l.platform === 'large_attachment');
  const douyinPages = rejected.filter((l) => l.platform === 'douyin');
  if (works.length === 0 && rejected.length === 0) {
    problems.push(problem('link_not_douyin',
      `“${label}”中没有找到抖音作品链接，请在抖音作品页点“分享—复制链接”，把链接填入“${label}”后重新发送。`,
      { field: 'link' }));
  }
  if (foreign.length) {
    problems.push(problem('link_not_douyin',
      `“${label}”是${platformList(foreign.map((l) => l.platform))}的链接。本大赛只接受发布在抖音的作品，请先将作品发布到抖音，再填写抖音作品链接后重新发送。`,
      { field: 'link', detail: foreign.map((l) => l.raw).join(' ') }));
  }
  if (mailLinks.length) {
    problems.push(problem('link_not_douyin',
      `“${label}”是邮箱超大附件的下载链接，不是抖音作品链接。请先将作品发布到抖音，再填写抖音作品链接后重新发送。`,
      { field: 'link', detail: mailLinks.map((l) => l.raw).join(' ') }));
  }
  if (douyinPages.length) {
    problems.push(problem('link_not_douyin',
      `“${label}”是抖音主页或其他页面的链接，不是作品链接。请在抖音作品页点“分享—复制链接”后重新发送。`,
      { field: 'link', detail: douyinPages.map((l) => l.raw).join(' ') }));
  }
  return { works, others: rejected.map((l) => l.raw), problems };
}

function buildDraft(fields: FormFields, src: DraftSource, ctx: ValidationContext): EntryDraft {
  const { contest } = ctx;
  const labels = src.form === 'summary' ? SUMMARY_LABELS : REGISTRATION_LABELS;
  const value = (f: FieldName): string | null => presentValue(fields[f]);
  const at = where(src, value('title'));
  const problems: Problem[] = [];

  for (const f of requiredFields(contest, src.form)) {
    // On the summary form 职业/单位 is one column: either field fills it.
    const present = src.form === 'summary' && (f === 'unit' || f === 'occupation') ? value('unit') ?? value('occupation') : value(f);
    if (!present) problems.push(problem('missing_field', `${at}缺少“${labels[f]}”，请补充后重新发送。`, { field: f }));
  }

  const linkText = value('link');
  let links: string[] = [];
  let otherLinks: string[] = [];
  if (linkText) {
    const read = linkProblems(linkText, labels.link, contest);
    links = read.works;
    otherLinks = read.others;
    problems.push(...read.problems.map((p) => ({ ...p, message: `${at}的${p.message}` })));
    const pieces = links.length + otherLinks.length;
    if (pieces > contest.limits.maxPieces) {
      problems.push(problem('too_many_pieces',
        `${at}的“${labels.link}”中有 ${pieces} 个作品链接，每个组合作品最多 ${contest.limits.maxPieces} 件，请精简后重新发送。`,
        { field: 'link', detail: String(pieces) }));
    }
  }

  const authors = splitAuthors(value('name'));
  if (authors.length > contest.limits.maxAuthors) {
    problems.push(problem('too_many_authors',
      `${at}的“${labels.name}”中有 ${authors.length} 位作者，集体创作作者不超过 ${contest.limits.maxAuthors} 人，请调整后重新发送。`,
      { field: 'name', detail: String(authors.length) }));
  }

  // \r\n from Word counts as one line break, not two characters.
  const intro = value('intro')?.replace(/\r\n?/g, '\n') ?? null;
  if (intro && charCount(intro) > contest.limits.introMaxChars) {
    problems.push(problem('intro_too_long',
      `${at}的“${labels.intro}”有 ${charCount(intro)} 字，超过 ${contest.limits.introMaxChars} 字的限制，请精简后重新发送。`,
      { field: 'intro', detail: String(charCount(intro)) }));
  }

  const phoneText = value('phone');
  const phone = phoneText ? parsePhone(phoneText) : null;
  if (phoneText && !phone) {
    problems.push(problem('invalid_phone',
      `${at}的“${labels.phone}”不是有效的手机号码或座机号码（座机请加区号），请核对后重新发送。`,
      { field: 'phone' }));
  }

  if (isAfterDeadline(ctx.receivedAt, contest.deadline, contest.timezone)) {
    problems.push(problem('late',
      `很抱歉，邮件于 ${formatLocalDateTime(ctx.receivedAt, contest.timezone)} 送达，已超过征集截止时间（${formatIsoDate(contest.deadline)} 24:00），作品无法参加本届评选。如有疑问，请联系主办方。`,
      { detail: ctx.receivedAt.toISOString() }));
  }

  const titleText = value('title');
  const title = titleText ? stripTitleQuotes(titleText) || titleText : null;
  const occupation = value('occupation');
  const unit = value('unit');
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') raw[k] = v;
  if (src.newEmploymentColumn !== undefined) raw.newEmployment = src.newEmploymentColumn;
  if (src.index !== undefined) raw.index = src.index;

  return {
    form: src.form,
    title,
    authors,
    occupation,
    unit,
    links,
    otherLinks,
    phone: phone?.normalized ?? phoneText,
    address: value('address'),
    intro,
    newEmployment: isNewEmployment([title, intro, occupation, unit], src.newEmploymentColumn, contest.newEmploymentKeywords),
    problems,
    sourceRow: src.sourceRow,
    recommender: src.recommender,
    forwardedFrom: src.source.forwardedFrom?.address?.toLowerCase() ?? null,
    source: src.source,
    raw,
  };
}

/**
 * Titles compare after dropping quotes, spaces and punctuation; one may contain the other (a subject often
 * shortens a long title, a form adds a subtitle). Keys shorter than two characters never match by containment.
 */
export function sameTitle(a: string, b: string): boolean {
  const ka = textKey(stripTitleQuotes(a));
  const kb = textKey(stripTitleQuotes(b));
  if (!ka || !kb) return false;
  if (ka === kb) return true;
  const [short, long] = ka.length <= kb.length ? [ka, kb] : [kb, ka];
  return [...short].length >= 2 && long.includes(short);
}

function subjectProblems(draft: EntryDraft, subject: SubjectParse, tag: string): Problem[] {
  const out: Problem[] = [];
  const format = `“${tag}+作品标题+创作者姓名”`;
  if (subject.title && draft.title && !sameTitle(subject.title, draft.title)) {
    out.push(problem('subject_mismatch',
      `邮件标题中的作品标题“${subject.title}”与登记表中的作品题目“${draft.title}”不一致，请核对后按${format}的格式重新发送。`,
      { field: 'title' }));
  }
  // Each creator named in the subject must be one of the form's authors; the subject may name only some of them.
  const strangers = draft.authors.length ? subject.creators.filter((c) => !draft.authors.some((a) => sameAuthor(a, c))) : [];
  if (strangers.length) {
    out.push(problem('subject_mismatch',
      `邮件标题中的创作者“${strangers.join('、')}”与登记表中的姓名“${draft.authors.join('、')}”不一致，请核对后按${format}的格式重新发送。`,
      { field: 'name' }));
  }
  return out;
}

export function validateRegistration(form: ExtractedRegistration, ctx: ValidationContext): EntryDraft {
  const draft = buildDraft(form.fields, {
    form: 'registration', sourceRow: null, recommender: null, newEmploymentColumn: undefined, source: form.source,
  }, ctx);
  // A unit's mail is titled after the unit, not after one work; subject_format itself is classification's.
  if (ctx.kind === 'individual' && ctx.subject?.hasTag) {
    draft.problems.push(...subjectProblems(draft, ctx.subject, ctx.contest.subject.tags[0] ?? ''));
  }
  return draft;
}

/** A row with no title, author, link or phone is a blank or note row that extraction let through. */
function isBlankRow(fields: FormFields): boolean {
  return !(['title', 'name', 'link', 'phone'] as const).some((f) => presentValue(fields[f]));
}

function contactOf(summary: ExtractedSummary): EntryDraft['contact'] {
  const name = presentValue(summary.contact);
  const phoneText = presentValue(summary.contactPhone);
  if (!name && !phoneText) return null;
  return { name, phone: phoneText ? parsePhone(phoneText)?.normalized ?? phoneText : null };
}

export function validateSummary(summary: ExtractedSummary, ctx: ValidationContext): EntryDraft[] {
  const contact = contactOf(summary);
  return summary.rows
    .filter((row) => !isBlankRow(row.fields))
    .map((row) => buildDraft(row.fields, {
      form: 'summary', sourceRow: row.row, recommender: summary.unit, newEmploymentColumn: row.newEmployment, source: summary.source,
      ...(row.index !== undefined ? { index: row.index } : {}),
    }, ctx))
    .map((draft) => ({ ...draft, contact }));
}

/**
 * All forms of one message. A mail carrying several registration forms has one subject: it is held against
 * the form whose title it names, and against all of them only when it names none.
 */
export function validateForms(forms: readonly ExtractedForm[], ctx: ValidationContext): EntryDraft[] {
  // A form a unit forwarded is held against the subject its sender wrote (the forwarded mail's), never the unit's.
  const own = forms.filter((f): f is ExtractedRegistration => f.kind === 'registration' && f.source.forwardedFrom === undefined);
  let subjectFor: (form: ExtractedRegistration) => SubjectParse | null = () => ctx.subject;
  if (own.length > 1 && ctx.subject?.title) {
    const subjectTitle = ctx.subject.title;
    const named = own.find((f) => {
      const t = presentValue(f.fields.title);
      return t != null && sameTitle(subjectTitle, t);
    });
    if (named) subjectFor = (form) => (form === named ? ctx.subject : null);
  }
  const forwardedSubject = (form: ExtractedRegistration): SubjectParse | null =>
    (form.source.forwardedSubject ? parseSubject(form.source.forwardedSubject, ctx.contest.subject) : null);
  return forms.flatMap((form) => form.kind === 'registration'
    ? [validateRegistration(form, { ...ctx, subject: form.source.forwardedFrom !== undefined ? forwardedSubject(form) : subjectFor(form) })]
    : validateSummary(form, ctx));
}

/** The problems a field's value decides; the rest (late, the subject, duplicates) belong to the mail, not the value. */
export const FIELD_RULE_CODES: readonly ProblemCode[] = [
  'missing_field', 'link_not_douyin', 'too_many_pieces', 'too_many_authors', 'intro_too_long', 'invalid_phone',
];

export interface CorrectedFields {
  form: 'registration' | 'summary';
  sourceRow: number | null;
  index: string | null;
  /** The fields as read from the form, each corrected field already put in its place. */
  fields: FormFields;
}

/**
 * A work's validation problems after an organizer corrected some of its fields by hand: the field rules run again
 * on the corrected values, in the same words a reply would use; the problems that are not about a value are kept.
 */
export function revalidateCorrected(recorded: readonly Problem[], corrected: CorrectedFields, contest: ContestConfig): Problem[] {
  // Only the field rules are kept from this draft, so the mail's context is a placeholder: no subject (its problems
  // are the mail's), and an arrival long before any deadline (lateness is kept from the record).
  const draft = buildDraft(corrected.fields, {
    form: corrected.form, sourceRow: corrected.sourceRow, recommender: null, newEmploymentColumn: undefined,
    source: { filename: null, partId: null, format: 'body-text' },
    ...(corrected.index !== null ? { index: corrected.index } : {}),
  }, { contest, subject: null, receivedAt: new Date(0), kind: 'individual' });
  const byValue = (p: Problem) => FIELD_RULE_CODES.includes(p.code);
  return [...recorded.filter((p) => !byValue(p)), ...draft.problems.filter(byValue)];
}
