import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendAudit } from '../store/audit-repo.ts';
import type { Db } from '../store/db.ts';
import {
  clearLoginFailures, findLiveSession, findUser, insertSession, recordLoginFailure, revokeSession, touchSession, type Role, type SessionRow,
} from '../store/users-repo.ts';
import { decoyHash, verifyPassword } from './password.ts';

/**
 * Logging in and out of the console. Sessions live in SQLite (revocable at once: logout, `user remove`, `user
 * password`); the browser holds only a random token whose sha256 is the row's key.
 */

/** Five wrong passwords are forgiven; the sixth locks the account for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** A session ends after this long without a request. */
export const SESSION_IDLE_HOURS = 12;

export type LoginResult =
  | { ok: true; token: string; session: SessionRow }
  | { ok: false; reason: 'bad_credentials' | 'locked'; lockedUntil?: string };

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const idleExpiry = (now: Date): Date => new Date(now.getTime() + SESSION_IDLE_HOURS * 3600_000);

export async function logIn(db: Db, name: string, password: string, now: Date): Promise<LoginResult> {
  const user = findUser(db, name.trim());
  if (!user) {
    // As slow as a real check, so a wrong name cannot be told from a wrong password by the time it takes.
    await verifyPassword(password, await decoyHash());
    return { ok: false, reason: 'bad_credentials' };
  }
  if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
    appendAudit(db, { userName: user.name, action: 'login_refused_locked' }, now);
    return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil };
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    // A lock that has run out starts a fresh count.
    const failures = (user.lockedUntil ? 0 : user.failedLogins) + 1;
    const lock = failures > MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
    recordLoginFailure(db, user.id, lock ? 0 : failures, lock);
    appendAudit(db, { userName: user.name, action: lock ? 'account_locked' : 'login_failed', after: lock?.toISOString() ?? String(failures) }, now);
    return lock ? { ok: false, reason: 'locked', lockedUntil: lock.toISOString() } : { ok: false, reason: 'bad_credentials' };
  }
  clearLoginFailures(db, user.id);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  insertSession(db, { tokenHash: hashToken(token), userId: user.id, csrfToken, expiresAt: idleExpiry(now) }, now);
  appendAudit(db, { userName: user.name, action: 'login' }, now);
  return { ok: true, token, session: findLiveSession(db, hashToken(token), now)! };
}

/** The live session a cookie names, its idle time renewed (written at most once a minute). */
export function sessionOf(db: Db, token: string | undefined, now: Date): SessionRow | null {
  if (!token || token.length > 100) return null;
  const s = findLiveSession(db, hashToken(token), now);
  if (s && now.getTime() - Date.parse(s.lastSeenAt) > 60_000) touchSession(db, s.tokenHash, now, idleExpiry(now));
  return s;
}

export function logOut(db: Db, session: SessionRow, now: Date): void {
  revokeSession(db, session.tokenHash, now);
  appendAudit(db, { userName: session.userName, action: 'logout' }, now);
}

/** The form's token against the session's, in constant time. */
export function csrfMatches(session: SessionRow, given: unknown): boolean {
  if (typeof given !== 'string' || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

const RANK: Record<Role, number> = { viewer: 0, organizer: 1, admin: 2 };
/** viewers read, organizers act on works and replies, admins also manage users. */
export function mayAct(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
