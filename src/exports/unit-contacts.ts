import type { Db } from '../store/db.ts';

/** A unit's contact person, from the header line of its summary form (推荐单位：… 联系人：… 联系方式：…). */
export interface UnitContact {
  name: string | null;
  phone: string | null;
}

/**
 * SEAM, waiting for the forms branch (issue 14): it stores each summary's 联系人 / 联系方式 with the message
 * (migration 0005, summary_contacts) and exposes `latestUnitContacts(db)` in store/summary-contacts-repo.ts, the
 * latest contact of each configured unit. Until that is in main nothing records a contact, so this reads none and
 * the digest and the workbooks show "—" beside each unit. When it lands, this body becomes
 * `return latestUnitContacts(db);` (same map: unit name → { name, phone, … }), and nothing else changes.
 */
export function unitContacts(_db: Db): Map<string, UnitContact> {
  return new Map();
}
