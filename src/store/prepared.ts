import type Database from 'better-sqlite3';
import type { Db } from './db.ts';

// Statements compiled once per connection: the repositories run theirs once or more per message, over thousands of
// messages, and compiling them each time was a tenth of a poll's main-thread time.
const statements = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/** The statement for `sql` on this connection, compiled on first use. Its SQL is always a constant of the code. */
export function prepared(db: Db, sql: string): Database.Statement<unknown[]> {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}
