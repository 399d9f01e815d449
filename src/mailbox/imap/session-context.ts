import type { ImapFlow } from 'imapflow';
import type { ImapSettings } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Envelope } from '../assemble-message.ts';
import type { PlanLimits } from '../message-parts.ts';
import type { ListedMessage } from './imap-session.ts';

/** What every session operation shares: the connection, its time box, and the opened mailbox. */
export interface SessionContext {
  client: ImapFlow;
  settings: ImapSettings;
  log: Logger;
  limits: PlanLimits;
  mailbox: string;
  uidValidity: number;
  exists: number;
  /** Closes the connection at once: what a step that ran out of time does. */
  kill(): void;
}

export function envelopeOf(ctx: SessionContext, listed: ListedMessage): Envelope {
  return {
    mailbox: ctx.mailbox, uidValidity: ctx.uidValidity, uid: listed.uid, internalDate: listed.internalDate, size: listed.size,
    rawHeaders: listed.rawHeaders, contentHash: listed.contentHash, plan: listed.plan,
  };
}
