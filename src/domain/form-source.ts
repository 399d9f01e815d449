import type { Address } from './address.ts';

/** Where a form was read from, so an organizer can find it again and a reply can name it. */
export interface FormSource {
  /** Attachment file name as the sender wrote it (display only, never a path), null for the mail body. */
  filename: string | null;
  partId: string | null;
  format: 'docx' | 'xlsx' | 'doc' | 'wps' | 'xls' | 'et' | 'csv' | 'odt' | 'ods' | 'rtf' | 'pdf' | 'body-text' | 'body-html';
  /** Set when the form came inside a forwarded mail (attached message/rfc822): the original sender. */
  forwardedFrom?: Address | null;
  /** That forwarded mail's own subject: the one its sender wrote for this work, not the forwarding unit's. */
  forwardedSubject?: string;
}
