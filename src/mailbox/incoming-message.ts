import type { Address } from '../domain/address.ts';

/**
 * What every mail source (IMAP, .eml files) hands to the pipeline: headers, the text of the body, and each
 * attachment either downloaded (content) or only described (the videos nobody needs).
 */
export interface MessageHeaders {
  messageId: string | null;
  subject: string;
  from: Address | null;
  replyTo: Address | null;
  sender: Address | null;
  to: Address[];
  date: Date | null;
  inReplyTo: string | null;
  references: string[];
  /** Lower-cased header name → raw (unfolded) values: the robot checks read these. */
  raw: Map<string, string[]>;
  contentType: string;
}

export type SkipReason = 'not_a_form' | 'too_large' | 'vanished' | 'too_many_parts';

export interface MessageAttachment {
  /** IMAP body part number ("2", "1.3"), or the index within a parsed file. */
  partId: string;
  filename: string | null;
  contentType: string;
  /** Bytes: decoded size when downloaded, else the server's (encoded) size. */
  size: number;
  inline: boolean;
  content: Buffer | null;
  skipped?: SkipReason;
  /** Set when this part came out of a forwarded message (an attached message/rfc822). */
  forwardedFrom?: Address | null;
}

export interface MessageOrigin {
  mailbox: string;
  uidValidity: number | null;
  uid: number | null;
  file?: string;
}

export interface IncomingMessage {
  origin: MessageOrigin;
  /** IMAP INTERNALDATE (arrival at the server); for files, the Date header or the file's mtime. */
  receivedAt: Date;
  size: number;
  rawHeaders: Buffer;
  headers: MessageHeaders;
  text: string | null;
  html: string | null;
  attachments: MessageAttachment[];
  /** sha256 over the header block and the size: the same for a message APPENDed again after a UIDVALIDITY reset. */
  contentHash: string;
}
