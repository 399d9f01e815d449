import type { Db } from './db.ts';
import { prepared } from './prepared.ts';
import { deleteSummaryContact, recordSummaryContact } from './summary-contacts-repo.ts';
import type { Problem } from '../validate/problem.ts';
import { problem } from '../validate/problem.ts';
import { partyOf, resolveWorks, type WorkResolution, type WorkRow } from '../validate/resolve-works.ts';
import { stripTitleQuotes, textKey } from '../validate/text-key.ts';
import { unitKey } from '../validate/unit-match.ts';
import type { EntryDraft } from '../validate/validate-entry.ts';

/**
 * Entries: one row per work as one message described it. A message's rows are written in place (reprocess keeps
 * their ids), then every row that shares a link or a (party, title) with them is resolved again: supersede,
 * duplicate, merge. The caller owns the transaction, so a message and its entries commit together.
 */

export type EntryStatus = 'valid' | 'problems' | 'duplicate' | 'superseded';

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

export interface StoredEntry {
  id: number;
  messageId: number;
  sourceIndex: number;
  sourceRow: number | null;
  form: 'registration' | 'summary';
  messageKind: 'individual' | 'unit_summary';
  sender: string | null;
  forwardedFrom: string | null;
  recommendedByUnit: string | null;
  recommenderText: string | null;
  /** On a surviving entry: the unit credited for the work (its own, or that of a merged summary row). */
  creditedUnit: string | null;
  title: string | null;
  authors: string[];
  occupation: string | null;
  unit: string | null;
  links: string[];
  otherLinks: string[];
  primaryLink: string | null;
  phone: string | null;
  address: string | null;
  intro: string | null;
  newEmployment: boolean;
  status: EntryStatus;
  /** Validation problems plus duplicate_work. */
  problems: Problem[];
  validationProblems: Problem[];
  duplicateOf: number | null;
  supersedes: number | null;
  /** A duplicate that is the other legitimate channel (author + unit) of the same work, not a problem. */
  merged: boolean;
  raw: Record<string, string>;
  receivedAt: string;
  createdAt: string;
}

interface EntryRow {
  id: number; message_id: number; source_index: number; source_row: number | null; form: string; message_kind: string;
  sender: string | null; forwarded_from: string | null; party: string; recommended_by_unit: string | null;
  recommender_text: string | null; credited_unit: string | null; title: string | null; title_key: string | null;
  authors: string; occupation: string | null; unit_text: string | null; links: string; other_links: string;
  primary_link: string | null; phone: string | null; address: string | null; intro: string | null;
  new_employment: number; validation_problems: string; raw: string; received_at: string; created_at: string;
  status: string; problems: string; duplicate_of: number | null; supersedes: number | null; merged: number;
}

function toEntry(r: EntryRow): StoredEntry {
  return {
    id: r.id, messageId: r.message_id, sourceIndex: r.source_index, sourceRow: r.source_row,
    form: r.form as StoredEntry['form'], messageKind: r.message_kind as StoredEntry['messageKind'],
    sender: r.sender, forwardedFrom: r.forwarded_from, recommendedByUnit: r.recommended_by_unit,
    recommenderText: r.recommender_text, creditedUnit: r.credited_unit, title: r.title,
    authors: JSON.parse(r.authors) as string[], occupation: r.occupation, unit: r.unit_text,
    links: JSON.parse(r.links) as string[], otherLinks: JSON.parse(r.other_links) as string[], primaryLink: r.primary_link,
    phone: r.phone, address: r.address, intro: r.intro, newEmployment: r.new_employment === 1,
    status: r.status as EntryStatus, problems: JSON.parse(r.problems) as Problem[],
    validationProblems: JSON.parse(r.validation_problems) as Problem[], duplicateOf: r.duplicate_of,
    supersedes: r.supersedes, merged: r.merged === 1, raw: JSON.parse(r.raw) as Record<string, string>,
    receivedAt: r.received_at, createdAt: r.created_at,
  };
}

function assertInTransaction(db: Db): void {
  // Entries written outside the caller's transaction could outlive a message whose processing failed.
  if (!db.inTransaction) throw new Error('entries must be recorded inside the transaction that stores their message');
}

function titleKeyOf(title: string | null): string | null {
  if (!title) return null;
  return textKey(stripTitleQuotes(title)) || null;
}

/** Seeds for re-resolution: every link and (party, title) a set of rows touches. */
interface Seeds { links: Set<string>; partyTitles: Map<string, [string, string]> }

function emptySeeds(): Seeds {
  return { links: new Set(), partyTitles: new Map() };
}

function addSeeds(db: Db, seeds: Seeds, ids: readonly number[]): void {
  if (!ids.length) return;
  const json = JSON.stringify(ids);
  for (const { link } of prepared(db, 'SELECT link FROM entry_links WHERE entry_id IN (SELECT value FROM json_each(?))').all(json) as { link: string }[]) {
    seeds.links.add(link);
  }
  const rows = prepared(db, 'SELECT party, title_key FROM entries WHERE id IN (SELECT value FROM json_each(?)) AND title_key IS NOT NULL')
    .all(json) as { party: string; title_key: string }[];
  for (const { party, title_key } of rows) seeds.partyTitles.set(`${party}\u0000${title_key}`, [party, title_key]);
}

/** Every row reachable from the seeds through shared links or a shared (party, title), transitively. */
function component(db: Db, seeds: Seeds): number[] {
  const ids = new Set<number>();
  const seenLinks = new Set<string>();
  const seenPts = new Set<string>();
  let links = [...seeds.links];
  let pts = [...seeds.partyTitles.entries()];
  const byLink = prepared(db, 'SELECT DISTINCT entry_id AS id FROM entry_links WHERE link IN (SELECT value FROM json_each(?))');
  const byPartyTitle = prepared(db, 'SELECT id FROM entries WHERE party = ? AND title_key = ?');
  while (links.length || pts.length) {
    const found: number[] = [];
    for (const l of links) seenLinks.add(l);
    if (links.length) for (const { id } of byLink.all(JSON.stringify(links)) as { id: number }[]) found.push(id);
    for (const [key, [party, title]] of pts) {
      seenPts.add(key);
      for (const { id } of byPartyTitle.all(party, title) as { id: number }[]) found.push(id);
    }
    const fresh = [...new Set(found)].filter((id) => !ids.has(id));
    for (const id of fresh) ids.add(id);
    const next = emptySeeds();
    addSeeds(db, next, fresh);
    links = [...next.links].filter((l) => !seenLinks.has(l));
    pts = [...next.partyTitles.entries()].filter(([k]) => !seenPts.has(k));
  }
  return [...ids];
}

function duplicateWorkProblem(firstId: number, sameMessage: boolean): Problem {
  const message = sameMessage
    ? '同一抖音作品在本邮件中出现了不止一次，只计一次，请核对是否漏填了其他作品的链接。'
    : '该抖音作品此前已由其他人或单位报送，同一作品只计一次，本次报送不再重复登记。如有疑问，请联系主办方。';
  return problem('duplicate_work', message, { field: 'link', detail: `duplicate of entry ${firstId}` });
}

function derive(row: EntryRow, r: WorkResolution, first: EntryRow | undefined, creditedUnit: string | null) {
  const validation = JSON.parse(row.validation_problems) as Problem[];
  const duplicateWork = r.duplicateOf != null && !r.merged;
  const problems = duplicateWork ? [...validation, duplicateWorkProblem(r.duplicateOf!, first?.message_id === row.message_id)] : validation;
  const status: EntryStatus = r.superseded ? 'superseded' : r.duplicateOf != null ? 'duplicate' : validation.length ? 'problems' : 'valid';
  return {
    status,
    problems: JSON.stringify(problems),
    duplicate_of: r.superseded ? null : r.duplicateOf,
    supersedes: r.supersedes,
    merged: r.merged && !r.superseded ? 1 : 0,
    credited_unit: r.superseded || r.duplicateOf != null ? null : creditedUnit,
  };
}

/** Resolves the rows reachable from the seeds again and writes what changed. */
function reresolve(db: Db, seeds: Seeds): void {
  const ids = component(db, seeds);
  if (!ids.length) return;
  const json = JSON.stringify(ids);
  const rows = prepared(db, 'SELECT * FROM entries WHERE id IN (SELECT value FROM json_each(?))').all(json) as EntryRow[];
  const linksOf = new Map<number, string[]>();
  for (const { entry_id, link } of prepared(db, 'SELECT entry_id, link FROM entry_links WHERE entry_id IN (SELECT value FROM json_each(?)) ORDER BY rowid')
    .all(json) as { entry_id: number; link: string }[]) {
    linksOf.set(entry_id, [...(linksOf.get(entry_id) ?? []), link]);
  }
  const work: WorkRow[] = rows.map((r) => ({
    id: r.id, messageId: r.message_id, sourceIndex: r.source_index, receivedAt: r.received_at, party: r.party,
    form: r.form as WorkRow['form'], titleKey: r.title_key, authors: JSON.parse(r.authors) as string[], links: linksOf.get(r.id) ?? [],
  }));
  const resolved = resolveWorks(work);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const update = prepared(db, `UPDATE entries SET status = @status, problems = @problems, duplicate_of = @duplicate_of,
    supersedes = @supersedes, merged = @merged, credited_unit = @credited_unit WHERE id = @id`);
  for (const row of rows) {
    const r = resolved.get(row.id)!;
    const from = r.creditFrom != null ? byId.get(r.creditFrom) : undefined;
    const first = r.duplicateOf != null ? byId.get(r.duplicateOf) : undefined;
    const d = derive(row, r, first, from ? from.recommended_by_unit ?? from.recommender_text : null);
    if (d.status !== row.status || d.problems !== row.problems || d.duplicate_of !== row.duplicate_of || d.supersedes !== row.supersedes
      || d.merged !== row.merged || d.credited_unit !== row.credited_unit) {
      update.run({ ...d, id: row.id });
    }
  }
}

function idsOfMessage(db: Db, messageId: number, fromIndex = 0): number[] {
  return (prepared(db, 'SELECT id FROM entries WHERE message_id = ? AND source_index >= ?').all(messageId, fromIndex) as { id: number }[])
    .map((r) => r.id);
}

function deleteRows(db: Db, ids: readonly number[]): void {
  if (!ids.length) return;
  prepared(db, 'DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
}

/**
 * Records the drafts of one message and resolves duplicates and versions. Idempotent: recording the same
 * message again (reprocess) updates its rows in place and drops rows it no longer has. Call it inside the
 * transaction that stores the message (it throws otherwise), after the messages row exists.
 */
export function recordEntries(db: Db, input: RecordEntriesInput, now: Date): StoredEntry[] {
  assertInTransaction(db);
  const seeds = emptySeeds();
  // What the message's rows touched before this recording must be resolved again too (a link may have changed).
  addSeeds(db, seeds, idsOfMessage(db, input.messageId));
  const upsert = prepared(db, `INSERT INTO entries (message_id, source_index, source_row, form, message_kind, sender, forwarded_from,
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
    RETURNING id`);
  const clearLinks = prepared(db, 'DELETE FROM entry_links WHERE entry_id = ?');
  const addLink = prepared(db, 'INSERT OR IGNORE INTO entry_links (entry_id, link) VALUES (?, ?)');
  const sender = input.sender?.trim().toLowerCase() || null;
  const written: number[] = [];
  for (const [index, draft] of input.drafts.entries()) {
    const recommenderText = input.unitText ?? draft.recommender ?? null;
    const recommenderKey = recommenderText ? unitKey(recommenderText) || null : null;
    const { id } = upsert.get({
      message_id: input.messageId, source_index: index, source_row: draft.sourceRow, form: draft.form, message_kind: input.kind,
      sender, forwarded_from: draft.forwardedFrom, party: partyOf(input.unitName, recommenderKey, sender, input.messageId),
      recommended_by_unit: input.unitName, recommender_text: recommenderText, title: draft.title, title_key: titleKeyOf(draft.title),
      authors: JSON.stringify(draft.authors), occupation: draft.occupation, unit_text: draft.unit,
      links: JSON.stringify(draft.links), other_links: JSON.stringify(draft.otherLinks), primary_link: draft.links[0] ?? null,
      phone: draft.phone, address: draft.address, intro: draft.intro, new_employment: draft.newEmployment ? 1 : 0,
      validation_problems: JSON.stringify(draft.problems), raw: JSON.stringify(draft.raw),
      received_at: input.receivedAt.toISOString(), created_at: now.toISOString(),
      status: draft.problems.length ? 'problems' : 'valid',
    }) as { id: number };
    clearLinks.run(id);
    for (const link of draft.links) addLink.run(id, link);
    written.push(id);
  }
  // The summary's header (its unit's contact) is stored with its rows, and goes with them.
  const contact = input.drafts.find((d) => d.contact)?.contact ?? null;
  recordSummaryContact(db, { messageId: input.messageId, unitName: input.unitName, unitText: input.unitText ?? input.drafts.find((d) => d.recommender)?.recommender ?? null, contact, receivedAt: input.receivedAt });
  const dropped = idsOfMessage(db, input.messageId, input.drafts.length);
  addSeeds(db, seeds, dropped);
  deleteRows(db, dropped);
  addSeeds(db, seeds, written);
  reresolve(db, seeds);
  return listEntries(db, { messageId: input.messageId });
}

/** Removes a message's entries and resolves what they touched again (the earlier versions come back). */
export function deleteEntriesOfMessage(db: Db, messageId: number): void {
  assertInTransaction(db);
  const ids = idsOfMessage(db, messageId);
  const seeds = emptySeeds();
  addSeeds(db, seeds, ids);
  deleteRows(db, ids);
  deleteSummaryContact(db, messageId);
  reresolve(db, seeds);
}

export function listEntries(db: Db, opts: { messageId?: number; includeSuperseded?: boolean } = {}): StoredEntry[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.messageId !== undefined) {
    where.push('message_id = ?');
    params.push(opts.messageId);
  }
  if (opts.includeSuperseded === false) where.push("status <> 'superseded'");
  const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at, message_id, source_index`;
  return (prepared(db, sql).all(...params) as EntryRow[]).map(toEntry);
}

export function getEntry(db: Db, id: number): StoredEntry | null {
  const row = prepared(db, 'SELECT * FROM entries WHERE id = ?').get(id) as EntryRow | undefined;
  return row ? toEntry(row) : null;
}
