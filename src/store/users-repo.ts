import type { Db } from './db.ts';
import { prepared } from './prepared.ts';

/** Console accounts and their server-side sessions. Persistence only: the login rules live in accounts/. */

export type Role = 'viewer' | 'organizer' | 'admin';

export interface UserRow {
  id: number;
  name: string;
  role: Role;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: string | null;
  createdAt: string;
  passwordChangedAt: string;
}

const USER_COLUMNS = `id, name, role, password_hash AS passwordHash, failed_logins AS failedLogins, locked_until AS lockedUntil,
  created_at AS createdAt, password_changed_at AS passwordChangedAt`;

export function insertUser(db: Db, u: { name: string; role: Role; passwordHash: string }, now: Date): number {
  const at = now.toISOString();
  return Number(prepared(db, `INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)`)
    .run(u.name, u.role, u.passwordHash, at, at).lastInsertRowid);
}

export function findUser(db: Db, name: string): UserRow | null {
  return (prepared(db, `SELECT ${USER_COLUMNS} FROM users WHERE name = ?`).get(name) as UserRow | undefined) ?? null;
}

export function listUsers(db: Db): UserRow[] {
  return prepared(db, `SELECT ${USER_COLUMNS} FROM users ORDER BY name`).all() as UserRow[];
}

export function deleteUser(db: Db, name: string): boolean {
  return prepared(db, 'DELETE FROM users WHERE name = ?').run(name).changes === 1;
}

export function setUserPassword(db: Db, id: number, passwordHash: string, now: Date): void {
  prepared(db, 'UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?')
    .run(passwordHash, now.toISOString(), id);
}

export function setUserRole(db: Db, id: number, role: Role): void {
  prepared(db, 'UPDATE users SET role = ? WHERE id = ?').run(role, id);
}

export function recordLoginFailure(db: Db, id: number, failedLogins: number, lockedUntil: Date | null): void {
  prepared(db, 'UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(failedLogins, lockedUntil?.toISOString() ?? null, id);
}

export function clearLoginFailures(db: Db, id: number): void {
  prepared(db, 'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
}

// ---- sessions -----------------------------------------------------------------------------------------------

export interface SessionRow {
  tokenHash: string;
  userId: number;
  userName: string;
  role: Role;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export function insertSession(db: Db, s: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date }, now: Date): void {
  const at = now.toISOString();
  prepared(db, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(s.tokenHash, s.userId, s.csrfToken, at, at, s.expiresAt.toISOString());
}

/** A live session: not revoked, not expired at `now`. */
export function findLiveSession(db: Db, tokenHash: string, now: Date): SessionRow | null {
  return (prepared(db, `SELECT s.token_hash AS tokenHash, s.user_id AS userId, u.name AS userName, u.role, s.csrf_token AS csrfToken,
      s.created_at AS createdAt, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?`).get(tokenHash, now.toISOString()) as SessionRow | undefined) ?? null;
}

export function touchSession(db: Db, tokenHash: string, now: Date, expiresAt: Date): void {
  prepared(db, 'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?').run(now.toISOString(), expiresAt.toISOString(), tokenHash);
}

export function revokeSession(db: Db, tokenHash: string, now: Date): boolean {
  return prepared(db, 'UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL').run(now.toISOString(), tokenHash).changes === 1;
}

export function revokeSessionsOf(db: Db, userId: number, now: Date): number {
  return prepared(db, 'UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(now.toISOString(), userId).changes;
}

export function liveSessionCounts(db: Db, now: Date): Map<number, number> {
  const rows = prepared(db, 'SELECT user_id AS userId, count(*) AS n FROM sessions WHERE revoked_at IS NULL AND expires_at > ? GROUP BY user_id')
    .all(now.toISOString()) as { userId: number; n: number }[];
  return new Map(rows.map((r) => [r.userId, r.n]));
}

/** Old rows go: expired or revoked more than `before`. */
export function purgeSessions(db: Db, before: Date): number {
  const at = before.toISOString();
  return prepared(db, 'DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?').run(at, at).changes;
}
