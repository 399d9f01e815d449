/**
 * Pure decisions over a message's BODYSTRUCTURE: which parts to download and which only to describe.
 * The IMAP adapter feeds it imapflow's tree; nothing here talks to a server.
 */

export interface StructureNode {
  part?: string;
  type: string;
  parameters?: Record<string, string>;
  disposition?: string;
  dispositionParameters?: Record<string, string>;
  size?: number;
  encoding?: string;
  /** On a message/rfc822 node: the forwarded mail's envelope, as the server parsed it. */
  envelope?: { from?: Array<{ name?: string; address?: string }> };
  childNodes?: StructureNode[];
}

export interface PlannedSender {
  address: string;
  name: string;
}

export type PartRole = 'text' | 'html' | 'form' | 'forwarded' | 'other';

export interface PartPlan {
  part: string;
  contentType: string;
  filename: string | null;
  size: number;
  inline: boolean;
  role: PartRole;
  download: boolean;
  skipped?: 'not_a_form' | 'too_large' | 'too_many_parts';
  /** Part number of the enclosing message/rfc822 when this part belongs to a forwarded mail. */
  forwardedIn?: string;
  /** That forwarded mail's sender (from its envelope in BODYSTRUCTURE), when the server named one. */
  forwardedFrom?: PlannedSender | null;
}

/** Documents a registration or summary form may arrive in; everything else (videos above all) is only described. */
const FORM_EXTENSIONS = new Set(['docx', 'doc', 'docm', 'wps', 'wpt', 'dot', 'dotx', 'dotm', 'rtf', 'odt', 'xlsx', 'xls', 'xlsm', 'xltx', 'xltm', 'et', 'ett', 'csv', 'ods', 'pdf',
  'jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'heic', 'eml', 'txt', 'zip']);
const FORM_TYPES = [
  /^application\/(msword|vnd\.openxmlformats-officedocument\.|vnd\.ms-excel|vnd\.ms-word\.|vnd\.ms-works|kswps|wps|vnd\.oasis\.opendocument\.|pdf|rtf|csv|zip|x-zip)/,
  /^image\/(jpeg|png|gif|bmp|webp|heic)/, /^text\/csv/, /^message\/rfc822/,
];

export function extensionOf(filename: string | null): string {
  if (!filename) return '';
  const m = /\.([A-Za-z0-9]{1,8})\s*$/.exec(filename);
  return m ? m[1]!.toLowerCase() : '';
}

export function mayHoldForm(contentType: string, filename: string | null): boolean {
  const ext = extensionOf(filename);
  if (ext) return FORM_EXTENSIONS.has(ext);
  return FORM_TYPES.some((re) => re.test(contentType));
}

/** The sender a forwarded mail names in its envelope: the submitter whose form a unit passed on. */
export function envelopeSender(node: StructureNode): PlannedSender | null {
  const first = node.envelope?.from?.find((a) => a.address && a.address.includes('@'));
  return first?.address ? { address: first.address.toLowerCase(), name: first.name?.trim() ?? '' } : null;
}

function filenameOf(node: StructureNode): string | null {
  const name = node.dispositionParameters?.filename ?? node.parameters?.name;
  return name && name.trim() ? name.trim() : null;
}

export interface PlanLimits {
  /** Larger parts are never downloaded, whatever their name says. */
  partMaxBytes: number;
  /** A forwarded message up to this size is downloaded whole; above it, its form parts are taken one by one. */
  forwardedWholeMaxBytes: number;
  maxParts: number;
}

/** Bytes the plan downloads (the server's sizes of the parts, before decoding). */
export function downloadBytes(plan: readonly PartPlan[]): number {
  return plan.reduce((sum, p) => sum + (p.download ? p.size : 0), 0);
}

/** The limits for a PART_MAX_BYTES: a forwarded mail is taken whole up to 10 MB, at most 200 parts are planned. */
export function planLimitsFor(partMaxBytes: number): PlanLimits {
  return { partMaxBytes, forwardedWholeMaxBytes: Math.min(partMaxBytes, 10 * 1024 * 1024), maxParts: 200 };
}

export function planParts(root: StructureNode, limits: PlanLimits): PartPlan[] {
  const plans: PartPlan[] = [];
  let full = false;
  let seenBodyText = false;
  let seenBodyHtml = false;

  const visit = (node: StructureNode, forwardedIn: string | undefined, depth: number, sender: PlannedSender | null = null): void => {
    if (depth > 50 || full) return;
    const type = (node.type || 'application/octet-stream').toLowerCase();
    const part = node.part ?? '1';
    if (type.startsWith('multipart/')) {
      for (const child of node.childNodes ?? []) visit(child, forwardedIn, depth + 1, sender);
      return;
    }
    const filename = filenameOf(node);
    const size = node.size ?? 0;
    const inline = node.disposition?.toLowerCase() !== 'attachment';
    const base = { part, contentType: type, filename, size, inline, forwardedIn, ...(forwardedIn !== undefined ? { forwardedFrom: sender } : {}) };
    if (plans.length >= limits.maxParts) {
      // One row says the rest was left out: a hostile mail's thousands of parts must not become thousands of rows.
      plans.push({ ...base, role: 'other', download: false, skipped: 'too_many_parts' });
      full = true;
      return;
    }

    if (type === 'message/rfc822') {
      if (size <= limits.forwardedWholeMaxBytes) {
        plans.push({ ...base, role: 'forwarded', download: true });
      } else {
        // Too big to take whole (a video inside): its form parts are taken one by one, with its sender.
        for (const child of node.childNodes ?? []) visit(child, part, depth + 1, envelopeSender(node));
      }
      return;
    }

    const isBodyText = !filename && inline && forwardedIn === undefined;
    if (isBodyText && type === 'text/plain' && !seenBodyText) {
      seenBodyText = true;
      plans.push({ ...base, role: 'text', download: size <= limits.partMaxBytes, ...(size > limits.partMaxBytes ? { skipped: 'too_large' } : {}) });
      return;
    }
    if (isBodyText && type === 'text/html' && !seenBodyHtml) {
      seenBodyHtml = true;
      plans.push({ ...base, role: 'html', download: size <= limits.partMaxBytes, ...(size > limits.partMaxBytes ? { skipped: 'too_large' } : {}) });
      return;
    }
    if (!mayHoldForm(type, filename)) {
      plans.push({ ...base, role: 'other', download: false, skipped: 'not_a_form' });
      return;
    }
    if (size > limits.partMaxBytes) {
      plans.push({ ...base, role: 'form', download: false, skipped: 'too_large' });
      return;
    }
    plans.push({ ...base, role: 'form', download: true });
  };

  visit(root, undefined, 0);
  return plans;
}
