import type { EntryDraft } from '../domain/entry-draft.ts';
import { stripTitleQuotes, textKey } from '../domain/text-key.ts';
import type { Db } from '../store/db.ts';
import {
  addWorkKeys, deleteEntries, emptyWorkKeys, entryIdsOfMessage, listEntries, requireTransaction, writeEntry, type StoredEntry,
} from '../store/entries-repo.ts';
import { videoLinkOf } from '../store/short-links-repo.ts';
import { deleteSummaryContact, recordSummaryContact } from '../store/summary-contacts-repo.ts';
import { partyOf } from '../validate/resolve-works.ts';
import { unitKey } from '../validate/unit-match.ts';
import { resolveWorksAround } from './resolve-works.ts';

export interface RecordEntriesInput {
  /** messages.id */
  messageId: number;
  /** The From address of the mail (the forwarding unit's for a forwarded registration). */
  sender: string | null;
  receivedAt: Date;
  kind: 'individual' | 'unit_summary';
  /** The configured unit that sent the mail (matched from the summary header or the forwarder), or null. */
  unitName: string | null;
  /** The unit as written, when the mail came from a unit; defaults to each summary draft's 推荐单位. */
  unitText?: string | null;
  drafts: readonly EntryDraft[];
}

/** A short link resolved online (DOUYIN_RESOLVE=on) also keys the entry by the work it opens. */
function withResolvedLinks(db: Db, links: readonly string[]): string[] {
  const keys = [...links];
  for (const link of links) {
    const video = videoLinkOf(db, link);
    if (video && !keys.includes(video)) keys.push(video);
  }
  return keys;
}

function titleKeyOf(title: string | null): string | null {
  if (!title) return null;
  return textKey(stripTitleQuotes(title)) || null;
}

/**
 * Records the drafts of one message and resolves duplicates and versions. Idempotent: recording the same
 * message again (reprocess) updates its rows in place and drops rows it no longer has. Call it inside the
 * transaction that stores the message (it throws otherwise), after the messages row exists.
 */
export function recordEntries(db: Db, input: RecordEntriesInput, now: Date): StoredEntry[] {
  requireTransaction(db);
  const keys = emptyWorkKeys();
  // What the message's rows touched before this recording must be resolved again too (a link may have changed).
  addWorkKeys(db, keys, entryIdsOfMessage(db, input.messageId));
  const sender = input.sender?.trim().toLowerCase() || null;
  const written = input.drafts.map((draft, index) => {
    const recommenderText = input.unitText ?? draft.recommender ?? null;
    const recommenderKey = recommenderText ? unitKey(recommenderText) || null : null;
    return writeEntry(db, {
      ...draft, messageId: input.messageId, sourceIndex: index, messageKind: input.kind, sender,
      party: partyOf(input.unitName, recommenderKey, sender, input.messageId), recommendedByUnit: input.unitName, recommenderText,
      titleKey: titleKeyOf(draft.title), validationProblems: draft.problems, receivedAt: input.receivedAt, createdAt: now,
      status: draft.problems.length ? 'problems' : 'valid', keyLinks: withResolvedLinks(db, draft.links),
    });
  });
  // The summary's header (its unit's contact) is stored with its rows, and goes with them.
  const contact = input.drafts.find((d) => d.contact)?.contact ?? null;
  const unitText = input.unitText ?? input.drafts.find((d) => d.recommender)?.recommender ?? null;
  recordSummaryContact(db, { messageId: input.messageId, unitName: input.unitName, unitText, contact, receivedAt: input.receivedAt });
  const dropped = entryIdsOfMessage(db, input.messageId, input.drafts.length);
  addWorkKeys(db, keys, dropped);
  deleteEntries(db, dropped);
  addWorkKeys(db, keys, written);
  resolveWorksAround(db, keys);
  return listEntries(db, { messageId: input.messageId });
}

/** Removes a message's entries and resolves what they touched again (the earlier versions come back). */
export function deleteEntriesOfMessage(db: Db, messageId: number): void {
  requireTransaction(db);
  const ids = entryIdsOfMessage(db, messageId);
  const keys = emptyWorkKeys();
  addWorkKeys(db, keys, ids);
  deleteEntries(db, ids);
  deleteSummaryContact(db, messageId);
  resolveWorksAround(db, keys);
}
