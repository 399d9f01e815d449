/**
 * What a received mail is, and where its processing ended. Both are recorded with the message and shown to the
 * organizers (labels in exports and the digest), so their spellings are part of the stored data.
 */

export const MESSAGE_KINDS = ['individual', 'unit_summary', 'automated', 'not_contest'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_STATUSES = ['ok', 'problems', 'needs_person', 'ignored', 'error', 'quarantined', 'unfetchable'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
