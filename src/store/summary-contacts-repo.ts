import type { Db } from './db.ts';
import { prepared } from './prepared.ts';

/** A unit's contact person as the header line of one of its summary forms gives it. */
export interface SummaryContact {
  name: string | null;
  phone: string | null;
}

export interface UnitContact extends SummaryContact {
  /** messages.id of the summary that gave it. */
  messageId: number;
  /** When that summary reached the mailbox (ISO). */
  receivedAt: string;
}

/** Records (or replaces) the contact of one message's summary; a message without one has its row removed. */
export function recordSummaryContact(db: Db, input: { messageId: number; unitName: string | null; unitText: string | null; contact: SummaryContact | null; receivedAt: Date }): void {
  const { contact } = input;
  if (!contact || (!contact.name && !contact.phone)) {
    deleteSummaryContact(db, input.messageId);
    return;
  }
  prepared(db, `INSERT INTO summary_contacts (message_id, unit_name, unit_text, contact_name, contact_phone, received_at)
      VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (message_id) DO UPDATE SET unit_name = excluded.unit_name, unit_text = excluded.unit_text,
      contact_name = excluded.contact_name, contact_phone = excluded.contact_phone, received_at = excluded.received_at`)
    .run(input.messageId, input.unitName, input.unitText, contact.name, contact.phone, input.receivedAt.toISOString());
}

export function deleteSummaryContact(db: Db, messageId: number): void {
  prepared(db, 'DELETE FROM summary_contacts WHERE message_id = ?').run(messageId);
}

/**
 * Each configured unit's contact from its latest summary (by arrival; the later message on a tie), phones unmasked:
 * whoever shows them decides (the digest masks them, the organizers' export does not).
 */
export function latestUnitContacts(db: Db): Map<string, UnitContact> {
  const rows = prepared(db, `SELECT unit_name, contact_name, contact_phone, message_id, received_at FROM summary_contacts
    WHERE unit_name IS NOT NULL ORDER BY received_at, message_id`).all() as
    { unit_name: string; contact_name: string | null; contact_phone: string | null; message_id: number; received_at: string }[];
  const out = new Map<string, UnitContact>();
  for (const r of rows) out.set(r.unit_name, { name: r.contact_name, phone: r.contact_phone, messageId: r.message_id, receivedAt: r.received_at });
  return out;
}
