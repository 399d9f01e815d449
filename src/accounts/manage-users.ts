import { AppError } from '../errors.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { Db } from '../store/db.ts';
import { deleteUser, findUser, insertUser, listUsers, liveSessionCounts, revokeSessionsOf, setUserPassword, type Role } from '../store/users-repo.ts';
import { hashPassword, passwordProblem } from './password.ts';

/** Account management, as `contest-intake user …` does it. `by` names who did it in the audit log. */

export const ROLES: readonly Role[] = ['viewer', 'organizer', 'admin'];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

function checkName(name: string): string {
  const clean = name.normalize('NFKC').trim();
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(clean)) throw new AppError('usage', `用户名只能由字母、数字和 . _ @ - 组成（1–64 个字符），不能是 "${name}"`);
  return clean;
}

async function checkedHash(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('usage', problem);
  return hashPassword(password);
}

export async function addUser(db: Db, input: { name: string; role: Role; password: string; by: string }, now: Date): Promise<void> {
  const name = checkName(input.name);
  if (findUser(db, name)) throw new AppError('usage', `用户 ${name} 已存在（改密码用 user password）`);
  insertUser(db, { name, role: input.role, passwordHash: await checkedHash(input.password) }, now);
  appendAudit(db, { userName: input.by, action: 'user_add', field: name, after: input.role }, now);
}

/** Sets a new password and ends every session of the user. */
export async function changePassword(db: Db, input: { name: string; password: string; by: string }, now: Date): Promise<void> {
  const user = findUser(db, input.name.trim());
  if (!user) throw new AppError('usage', `没有用户 ${input.name}`);
  setUserPassword(db, user.id, await checkedHash(input.password), now);
  revokeSessionsOf(db, user.id, now);
  appendAudit(db, { userName: input.by, action: 'user_password', field: user.name }, now);
}

/** Removes the account; its sessions go with it (and are revoked first, for the record). */
export function removeUser(db: Db, input: { name: string; by: string }, now: Date): boolean {
  const user = findUser(db, input.name.trim());
  if (!user) return false;
  revokeSessionsOf(db, user.id, now);
  deleteUser(db, user.name);
  appendAudit(db, { userName: input.by, action: 'user_remove', field: user.name, before: user.role }, now);
  return true;
}

export interface UserSummary {
  name: string;
  role: Role;
  createdAt: string;
  lockedUntil: string | null;
  sessions: number;
}

export function userSummaries(db: Db, now: Date): UserSummary[] {
  const sessions = liveSessionCounts(db, now);
  return listUsers(db).map((u) => ({
    name: u.name, role: u.role, createdAt: u.createdAt,
    lockedUntil: u.lockedUntil && u.lockedUntil > now.toISOString() ? u.lockedUntil : null, sessions: sessions.get(u.id) ?? 0,
  }));
}
