import type { IncomingMessage } from '../incoming-message.ts';
import type { SectionInfo } from '../fetch-sections.ts';
import type { PartPlan } from '../message-parts.ts';

/** What a listing tells of one message before anything of its body is read. */
export interface ListedMessage {
  uid: number;
  size: number;
  internalDate: Date;
  rawHeaders: Buffer;
  contentHash: string;
  plan: PartPlan[];
  /** How each part to download is encoded, from BODYSTRUCTURE: what a FETCH of its sections needs to decode it. */
  sections?: Map<string, SectionInfo>;
  /** BODYSTRUCTURE could not be had (the server failed on it): only the whole source can tell the parts. */
  structureless?: boolean;
}

/**
 * The ways to read one message's parts, tried in this order until one works:
 * `binary` the server decodes each part (FETCH BINARY, where offered); `body` the raw section, decoded here
 * with tolerant decoders; `source` the whole message, parsed here (only under PART_MAX_BYTES).
 */
export type LoadStrategy = 'binary' | 'body' | 'source';

export interface ImapSession {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly exists: number;
  readonly serverInfo: Record<string, string> | null;
  /** The server offers BINARY (NetEase does not). */
  readonly hasBinary: boolean;
  /** False once the connection is closed or broken: nothing it says any more can be trusted. */
  readonly usable: boolean;
  /** Every UID in the mailbox (UID SEARCH ALL), ascending. A UID list is small even for a large mailbox. */
  listAllUids(): Promise<number[]>;
  /** Envelope-level data for a batch of UIDs: headers, size, arrival and the plan of parts. */
  describe(uids: number[]): Promise<ListedMessage[]>;
  /** Headers, size and arrival of one message without BODYSTRUCTURE, for a message whose structure the server cannot give. */
  describeBare(uid: number): Promise<ListedMessage | null>;
  /** One message's planned parts by one strategy. Throws message_vanished when the server answers with nothing. */
  load(listed: ListedMessage, strategy: LoadStrategy): Promise<IncomingMessage>;
  /**
   * The planned parts of many messages with few FETCHes, each message handed to `take` as soon as it is complete
   * (in any order, synchronously: `take` must not wait). A message the answers leave incomplete is handed over
   * as null: load it on its own.
   */
  loadMany(listed: ListedMessage[], take: (listed: ListedMessage, msg: IncomingMessage | null) => void, opts: { binary: boolean }): Promise<void>;
  /** Asks the server whether the UID is still in the mailbox (UID FETCH n (UID FLAGS)); only on a usable connection. */
  stillThere(uid: number): Promise<boolean>;
  markProcessed(uid: number): Promise<void>;
  close(): Promise<void>;
}
