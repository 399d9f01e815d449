import { ENTRY_STATUSES, type EntryDraft, type EntryStatus } from '../domain/entry-draft.ts';
import type { EntryReview } from '../domain/work-review.ts';

const REVIEWED_STATUSES = [...ENTRY_STATUSES, 'excluded'] as const;
const DECISIONS = ['accepted', 'excluded'] as const;
import type { Problem } from '../domain/problem.ts';
import type { EntryResolution, WorkRow } from '../domain/work-resolution.ts';
import type { Db } from './db.ts';
import { decodeProblems, decodeStringRecord, decodeStrings, encodeJson } from './json-columns.ts';
import { prepared } from './prepared.ts';
import { columnsOf, type Columns } from './row-decoding.ts';

/**
 * Entries: one row per work as one message described it, and entry_links, every Douyin link of a row. What the
 * rows mean (party, title key, supersede, duplicate, merge) is decided above the store (src/entries/); this
 * module writes and reads the rows. The caller owns the transaction, so a message and its entries commit together.
 */

const FORMS = ['registration', 'summary'] as const;
const SUBMISSION_KINDS = ['individual', 'unit_summary'] as const;

/** What a draft says, as it is written. */
type DraftColumns = Pick<EntryDraft, 'sourceRow' | 'form' | 'forwardedFrom' | 'title' | 'authors' | 'occupation' | 'unit' | 'links'
  | 'otherLinks' | 'phone' | 'address' | 'intro' | 'newEmployment' | 'raw'>;

/** An entry as recorded: the draft's columns, who sent it, and what resolution decided. */
export interface StoredEntry extends DraftColumns {
  id: number;
  messageId: number;
  sourceIndex: number;
  messageKind: 'individual' | 'unit_summary';
  sender: string | null;
  recommendedByUnit: string | null;
  recommenderText: string | null;
  /** On a surviving entry: the unit credited for the work (its own, or that of a merged summary row). */
  creditedUnit: string | null;
  primaryLink: string | null;
  status: EntryStatus;
  /** Validation problems plus duplicate_work. */
  problems: Problem[];
  validationProblems: Problem[];
  duplicateOf: number | null;
  supersedes: number | null;
  /** A duplicate that is the other legitimate channel (author + unit) of the same work, not a problem. */
  merged: boolean;
  receivedAt: string;
  createdAt: string;
}

/** A row of `entries`. */
function decodeEntry(row: unknown): StoredEntry {
  const c = columnsOf('entries', row);
  return {
    id: c.int('id'), messageId: c.int('message_id'), sourceIndex: c.int('source_index'), sourceRow: c.intOrNull('source_row'),
    form: c.oneOf('form', FORMS), messageKind: c.oneOf('message_kind', SUBMISSION_KINDS),
    sender: c.textOrNull('sender'), forwardedFrom: c.textOrNull('forwarded_from'), recommendedByUnit: c.textOrNull('recommended_by_unit'),
    recommenderText: c.textOrNull('recommender_text'), creditedUnit: c.textOrNull('credited_unit'), title: c.textOrNull('title'),
    authors: decodeStrings('entries', 'authors', c.text('authors')), occupation: c.textOrNull('occupation'), unit: c.textOrNull('unit_text'),
    links: decodeStrings('entries', 'links', c.text('links')), otherLinks: decodeStrings('entries', 'other_links', c.text('other_links')),
    primaryLink: c.textOrNull('primary_link'), phone: c.textOrNull('phone'), address: c.textOrNull('address'), intro: c.textOrNull('intro'),
    newEmployment: c.flag('new_employment'), status: c.oneOf('status', ENTRY_STATUSES),
    problems: decodeProblems('entries', 'problems', c.text('problems')),
    validationProblems: decodeProblems('entries', 'validation_problems', c.text('validation_problems')),
    duplicateOf: c.intOrNull('duplicate_of'), supersedes: c.intOrNull('supersedes'), merged: c.flag('merged'),
    raw: decodeStringRecord('entries', 'raw', c.text('raw')), receivedAt: c.text('received_at'), createdAt: c.text('created_at'),
  };
}

/** Entries written outside the caller's transaction could outlive a message whose processing failed. */
export function requireTransaction(db: Db): void {
  if (!db.inTransaction) throw new Error('entries must be recorded inside the transaction that stores their message');
}

// ---- writing ------------------------------------------------------------------------------------------------

/** One entry as it is written: what a draft says, with who sent it and the keys that find the same work again. */
export interface EntryWrite extends DraftColumns {
  messageId: number;
  sourceIndex: number;
  messageKind: 'individual' | 'unit_summary';
  sender: string | null;
  /** Who submits: versions of one party supersede each other. */
  party: string;
  recommendedByUnit: string | null;
  recommenderText: string | null;
  titleKey: string | null;
  validationProblems: Problem[];
  receivedAt: Date;
  createdAt: Date;
  /** Until the entry is resolved against the others. */
  status: EntryStatus;
  /** The links that find the same work again (default: its own links). */
  keyLinks?: readonly string[];
}

/**
 * Writes an entry in place: the same (message, position) keeps its id when a message is recorded again
 * (reprocess), so the links between rows stay stable. Its links are written anew. Returns the id.
 */
export function writeEntry(db: Db, e: EntryWrite): number {
  const row = prepared(db, `INSERT INTO entries (message_id, source_index, source_row, form, message_kind, sender, forwarded_from,
      party, recommended_by_unit, recommender_text, title, title_key, authors, occupation, unit_text, links, other_links,
      primary_link, phone, address, intro, new_employment, validation_problems, raw, received_at, created_at, status, problems)
    VALUES (@message_id, @source_index, @source_row, @form, @message_kind, @sender, @forwarded_from, @party, @recommended_by_unit,
      @recommender_text, @title, @title_key, @authors, @occupation, @unit_text, @links, @other_links, @primary_link, @phone,
      @address, @intro, @new_employment, @validation_problems, @raw, @received_at, @created_at, @status, @validation_problems)
    ON CONFLICT (message_id, source_index) DO UPDATE SET source_row = excluded.source_row, form = excluded.form,
      message_kind = excluded.message_kind, sender = excluded.sender, forwarded_from = excluded.forwarded_from,
      party = excluded.party, recommended_by_unit = excluded.recommended_by_unit, recommender_text = excluded.recommender_text,
      title = excluded.title, title_key = excluded.title_key, authors = excluded.authors, occupation = excluded.occupation,
      unit_text = excluded.unit_text, links = excluded.links, other_links = excluded.other_links,
      primary_link = excluded.primary_link, phone = excluded.phone, address = excluded.address, intro = excluded.intro,
      new_employment = excluded.new_employment, validation_problems = excluded.validation_problems, raw = excluded.raw,
      received_at = excluded.received_at
    RETURNING id`).get({
    message_id: e.messageId, source_index: e.sourceIndex, source_row: e.sourceRow, form: e.form, message_kind: e.messageKind,
    sender: e.sender, forwarded_from: e.forwardedFrom, party: e.party, recommended_by_unit: e.recommendedByUnit,
    recommender_text: e.recommenderText, title: e.title, title_key: e.titleKey, authors: encodeJson(e.authors), occupation: e.occupation,
    unit_text: e.unit, links: encodeJson(e.links), other_links: encodeJson(e.otherLinks), primary_link: e.links[0] ?? null,
    phone: e.phone, address: e.address, intro: e.intro, new_employment: e.newEmployment ? 1 : 0,
    validation_problems: encodeJson(e.validationProblems), raw: encodeJson(e.raw),
    received_at: e.receivedAt.toISOString(), created_at: e.createdAt.toISOString(), status: e.status,
  });
  const id = columnsOf('entries', row).int('id');
  prepared(db, 'DELETE FROM entry_links WHERE entry_id = ?').run(id);
  const addLink = prepared(db, 'INSERT OR IGNORE INTO entry_links (entry_id, link) VALUES (?, ?)');
  // The links that find the same work again: the entry's own, and what a short link was resolved to (DOUYIN_RESOLVE).
  for (const link of e.keyLinks ?? e.links) addLink.run(id, link);
  return id;
}

/** A message's entries, from a position on (the rows a shorter recording no longer has). */
export function entryIdsOfMessage(db: Db, messageId: number, fromIndex = 0): number[] {
  return prepared(db, 'SELECT id FROM entries WHERE message_id = ? AND source_index >= ?').all(messageId, fromIndex)
    .map((r) => columnsOf('entries', r).int('id'));
}

export function deleteEntries(db: Db, ids: readonly number[]): void {
  if (!ids.length) return;
  prepared(db, 'DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
}

export function writeResolution(db: Db, id: number, r: EntryResolution): void {
  prepared(db, `UPDATE entries SET status = @status, problems = @problems, duplicate_of = @duplicate_of,
    supersedes = @supersedes, merged = @merged, credited_unit = @credited_unit WHERE id = @id`).run({
    id, status: r.status, problems: encodeJson(r.problems), duplicate_of: r.duplicateOf, supersedes: r.supersedes,
    merged: r.merged ? 1 : 0, credited_unit: r.creditedUnit,
  });
}

// ---- finding the same work ------------------------------------------------------------------------------------

/** The keys that find the same work: links, and (party, title key) pairs. */
export interface WorkKeys {
  links: Set<string>;
  partyTitles: Map<string, [string, string]>;
}

export function emptyWorkKeys(): WorkKeys {
  return { links: new Set(), partyTitles: new Map() };
}

/** Adds every link and (party, title key) the given entries have. */
export function addWorkKeys(db: Db, keys: WorkKeys, ids: readonly number[]): void {
  if (!ids.length) return;
  const json = JSON.stringify(ids);
  for (const r of prepared(db, 'SELECT link FROM entry_links WHERE entry_id IN (SELECT value FROM json_each(?))').all(json)) {
    keys.links.add(columnsOf('entry_links', r).text('link'));
  }
  const rows = prepared(db, 'SELECT party, title_key FROM entries WHERE id IN (SELECT value FROM json_each(?)) AND title_key IS NOT NULL').all(json);
  for (const r of rows) {
    const c = columnsOf('entries', r);
    const party = c.text('party');
    const titleKey = c.text('title_key');
    keys.partyTitles.set(`${party}\u0000${titleKey}`, [party, titleKey]);
  }
}

/** Every entry reachable from the keys through shared links or a shared (party, title key), transitively. */
export function entriesSharingWork(db: Db, keys: WorkKeys): number[] {
  const ids = new Set<number>();
  const seenLinks = new Set<string>();
  const seenPts = new Set<string>();
  let links = [...keys.links];
  let pts = [...keys.partyTitles.entries()];
  const byLink = prepared(db, 'SELECT DISTINCT entry_id FROM entry_links WHERE link IN (SELECT value FROM json_each(?))');
  const byPartyTitle = prepared(db, 'SELECT id FROM entries WHERE party = ? AND title_key = ?');
  while (links.length || pts.length) {
    const found: number[] = [];
    for (const l of links) seenLinks.add(l);
    if (links.length) for (const r of byLink.all(JSON.stringify(links))) found.push(columnsOf('entry_links', r).int('entry_id'));
    for (const [key, [party, title]] of pts) {
      seenPts.add(key);
      for (const r of byPartyTitle.all(party, title)) found.push(columnsOf('entries', r).int('id'));
    }
    const fresh = [...new Set(found)].filter((id) => !ids.has(id));
    for (const id of fresh) ids.add(id);
    const next = emptyWorkKeys();
    addWorkKeys(db, next, fresh);
    links = [...next.links].filter((l) => !seenLinks.has(l));
    pts = [...next.partyTitles.entries()].filter(([k]) => !seenPts.has(k));
  }
  return [...ids];
}

/** What resolving an entry reads: its work's keys (links as entry_links holds them), its current state. */
export interface EntryToResolve extends WorkRow, EntryResolution {
  validationProblems: Problem[];
  recommendedByUnit: string | null;
  recommenderText: string | null;
}

export function entriesToResolve(db: Db, ids: readonly number[]): EntryToResolve[] {
  const json = JSON.stringify(ids);
  const rows = prepared(db, `SELECT id, message_id, source_index, received_at, party, form, title_key, authors, validation_problems,
      recommended_by_unit, recommender_text, status, problems, duplicate_of, supersedes, merged, credited_unit
      FROM entries WHERE id IN (SELECT value FROM json_each(?))`).all(json).map((r) => {
    const c = columnsOf('entries', r);
    return {
      id: c.int('id'), messageId: c.int('message_id'), sourceIndex: c.int('source_index'), receivedAt: c.text('received_at'),
      party: c.text('party'), form: c.oneOf('form', FORMS), titleKey: c.textOrNull('title_key'),
      authors: decodeStrings('entries', 'authors', c.text('authors')),
      validationProblems: decodeProblems('entries', 'validation_problems', c.text('validation_problems')),
      recommendedByUnit: c.textOrNull('recommended_by_unit'), recommenderText: c.textOrNull('recommender_text'),
      status: c.oneOf('status', ENTRY_STATUSES), problems: decodeProblems('entries', 'problems', c.text('problems')),
      duplicateOf: c.intOrNull('duplicate_of'), supersedes: c.intOrNull('supersedes'), merged: c.flag('merged'),
      creditedUnit: c.textOrNull('credited_unit'),
    };
  });
  const linksOf = new Map<number, string[]>();
  for (const r of prepared(db, 'SELECT entry_id, link FROM entry_links WHERE entry_id IN (SELECT value FROM json_each(?)) ORDER BY rowid').all(json)) {
    const c = columnsOf('entry_links', r);
    const id = c.int('entry_id');
    linksOf.set(id, [...(linksOf.get(id) ?? []), c.text('link')]);
  }
  return rows.map((r) => ({ ...r, links: linksOf.get(r.id) ?? [] }));
}

// ---- reading back -------------------------------------------------------------------------------------------

export function listEntries(db: Db, opts: { messageId?: number; includeSuperseded?: boolean } = {}): StoredEntry[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.messageId !== undefined) {
    where.push('message_id = ?');
    params.push(opts.messageId);
  }
  if (opts.includeSuperseded === false) where.push("status <> 'superseded'");
  const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at, message_id, source_index`;
  return prepared(db, sql).all(...params).map(decodeEntry);
}

export function getEntry(db: Db, id: number): StoredEntry | null {
  const row = prepared(db, 'SELECT * FROM entries WHERE id = ?').get(id);
  return row === undefined ? null : decodeEntry(row);
}

/** What counting and reports read of an entry received before an instant, as the organizers' decisions make it. */
export interface EntrySummary {
  id: number;
  messageId: number;
  receivedAt: string;
  /** 'excluded': an organizer excluded the work in the console (reviewed_entries, migration 0007); never counts. */
  status: EntryStatus | 'excluded';
  /** The status as resolved from the mail, whatever was decided. */
  recordedStatus: EntryStatus;
  review: EntryReview;
  party: string;
  title: string | null;
  authors: string[];
  occupation: string | null;
  unitText: string | null;
  primaryLink: string | null;
  phone: string | null;
  address: string | null;
  intro: string | null;
  sourceRow: number | null;
  newEmployment: boolean;
  problems: Problem[];
  validationProblems: Problem[];
  duplicateOf: number | null;
  merged: boolean;
  recommendedByUnit: string | null;
  recommenderText: string | null;
  creditedUnit: string | null;
}

function summaryOf(c: Columns): EntrySummary {
  return {
    id: c.int('id'), messageId: c.int('message_id'), receivedAt: c.text('received_at'), status: c.oneOf('status', REVIEWED_STATUSES),
    recordedStatus: c.oneOf('recorded_status', ENTRY_STATUSES),
    review: {
      checkedBy: c.textOrNull('checked_by'), decision: c.oneOfOrNull('decision', DECISIONS), reason: c.textOrNull('decision_reason'),
      decidedBy: c.textOrNull('decided_by'), corrected: c.int('corrections') > 0, note: c.textOrNull('last_note'),
    },
    party: c.text('party'), title: c.textOrNull('title'), authors: decodeStrings('entries', 'authors', c.text('authors')),
    occupation: c.textOrNull('occupation'), unitText: c.textOrNull('unit_text'), primaryLink: c.textOrNull('primary_link'),
    phone: c.textOrNull('phone'), address: c.textOrNull('address'), intro: c.textOrNull('intro'), sourceRow: c.intOrNull('source_row'),
    newEmployment: c.flag('new_employment'), problems: decodeProblems('entries', 'problems', c.text('problems')),
    validationProblems: decodeProblems('entries', 'validation_problems', c.text('validation_problems')),
    duplicateOf: c.intOrNull('duplicate_of'), merged: c.flag('merged'), recommendedByUnit: c.textOrNull('recommended_by_unit'),
    recommenderText: c.textOrNull('recommender_text'), creditedUnit: c.textOrNull('credited_unit'),
  };
}

/** Every entry received before `before` (ISO; all of them without it), in arrival order, through reviewed_entries. */
export function entriesReceivedBefore(db: Db, before?: string): EntrySummary[] {
  return prepared(db, `SELECT id, message_id, received_at, status, party, title, authors, occupation, unit_text, primary_link, phone,
      address, intro, source_row, new_employment, problems, validation_problems, duplicate_of, merged, recommended_by_unit, recommender_text,
      credited_unit, recorded_status, checked_by, decision, decision_reason, decided_by, corrections, last_note
      FROM reviewed_entries WHERE received_at < ? ORDER BY received_at, message_id, source_index`)
    .all(before ?? '9999').map((r) => summaryOf(columnsOf('reviewed_entries', r)));
}
