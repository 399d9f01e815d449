import { problem, type Problem } from '../domain/problem.ts';
import type { ManualReview } from './form-types.ts';

/**
 * The sentences a submitter reads in the reply, one per way an attachment can fail. Each names the file as the
 * sender called it (cleaned of control and direction characters) and says what to do: almost always, save the
 * form again as .docx and resend.
 */

export interface AttachmentRef {
  partId: string | null;
  filename: string | null;
}

export function displayName(filename: string | null): string {
  if (!filename) return '附件';
  const clean = filename.replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/\s+/g, ' ').trim();
  const short = clean.length > 60 ? `${clean.slice(0, 40)}…${clean.slice(-15)}` : clean;
  return short ? `附件《${short}》` : '附件';
}

export interface AttachmentIssue {
  problem: Problem;
  review: ManualReview | null;
}

const review = (ref: AttachmentRef, reason: ManualReview['reason']): ManualReview => ({ partId: ref.partId, filename: ref.filename, reason });

export function unreadable(ref: AttachmentRef, detail: string): AttachmentIssue {
  return {
    problem: problem('unreadable_attachment', `${displayName(ref.filename)}无法打开，文件可能已损坏或不完整，请重新保存为 .docx 格式后再次发送。`, { field: 'attachment', detail }),
    review: review(ref, 'unreadable'),
  };
}

export function tooLarge(ref: AttachmentRef, detail: string): AttachmentIssue {
  return {
    problem: problem('unreadable_attachment', `${displayName(ref.filename)}内容过大或结构异常，无法读取，请将登记表另存为 .docx 格式（不含图片）后重新发送。`, { field: 'attachment', detail }),
    review: review(ref, 'too_large'),
  };
}

export function encrypted(ref: AttachmentRef): AttachmentIssue {
  return {
    problem: problem('unreadable_attachment', `${displayName(ref.filename)}设置了打开密码，无法读取，请取消密码后以 .docx 格式重新发送。`, { field: 'attachment', detail: 'encrypted' }),
    review: review(ref, 'encrypted'),
  };
}

export function unsupported(ref: AttachmentRef, detail: string): AttachmentIssue {
  return {
    problem: problem('unsupported_format', `${displayName(ref.filename)}的文件格式无法识别，请将登记表另存为 .docx（Word）或 .xlsx（Excel）格式后重新发送。`, { field: 'attachment', detail }),
    review: review(ref, 'unsupported'),
  };
}

/** A legacy format we would read if LibreOffice were installed: the sender can still help by saving as .docx. */
export function legacyUnavailable(ref: AttachmentRef, format: string): AttachmentIssue {
  return {
    problem: problem('unsupported_format', `${displayName(ref.filename)}为 .${format} 格式，系统暂时无法读取，请另存为 .docx 或 .xlsx 格式后重新发送。`, { field: 'attachment', detail: `libreoffice_missing:${format}` }),
    review: review(ref, 'unsupported'),
  };
}

const NEEDS_PERSON: Record<'pdf' | 'pdf_scan' | 'image', string> = {
  pdf_scan: '是扫描件（PDF 中没有可以读取的文字）',
  pdf: '为 PDF 文件，但系统未能从中读出参赛登记表',
  image: '为图片，系统无法读取其中的文字',
};

/**
 * A scan, a picture, or a PDF without a form in its text: an organizer reads it by hand, which takes days in
 * the busy weeks. The sender is told so, and that a Word form is registered at once.
 */
export function needsPerson(ref: AttachmentRef, reason: 'pdf' | 'pdf_scan' | 'image'): AttachmentIssue {
  return {
    problem: problem('needs_person', `${displayName(ref.filename)}${NEEDS_PERSON[reason]}，将由工作人员人工核对，需要一些时间；用 Word 填写参赛登记表（.docx）后发送，可以更快完成登记。`, { field: 'attachment', actor: 'organizer', detail: reason }),
    review: review(ref, reason === 'image' ? 'image' : 'pdf'),
  };
}

/** The works past the row cap were not read: said, never silently dropped. */
export function truncated(ref: AttachmentRef, rowsRead: number): AttachmentIssue {
  return {
    problem: problem('form_truncated', `${displayName(ref.filename)}中的汇总表超过 ${rowsRead} 行，只读取了前 ${rowsRead} 行，之后的作品未登记；请将其余作品另列一张汇总表后重新发送。`, { field: 'attachment', detail: `rows > ${rowsRead}` }),
    review: null,
  };
}

export function tooDeep(ref: AttachmentRef, depth: number): AttachmentIssue {
  return {
    problem: problem('unreadable_attachment', `${displayName(ref.filename)}是多层转发的邮件，无法读取，请直接发送参赛登记表附件。`, { field: 'attachment', detail: `forward depth > ${depth}` }),
    review: review(ref, 'unreadable'),
  };
}

/**
 * Outlook in rich-text mode wraps every attachment into one winmail.dat (TNEF) that no other program opens: the
 * form is in there, out of reach. The sender can fix it in one step.
 */
export function tnef(ref: AttachmentRef): AttachmentIssue {
  return {
    problem: problem('unsupported_format', `${displayName(ref.filename)}是 Outlook 的 winmail.dat 打包文件，附件无法取出。请在 Outlook 中将邮件格式改为“HTML”或“纯文本”后，把参赛登记表（.docx）作为附件重新发送。`, { field: 'attachment', detail: 'tnef' }),
    review: null,
  };
}

export function noForm(): Problem {
  return problem('no_form', '邮件中未找到参赛登记表，请填写附件1《参赛登记表》，并以 .docx 格式作为附件发送。', { field: 'attachment' });
}
