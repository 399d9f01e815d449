import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { columnsOf } from './row-decoding.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(path.join(dir, f), 'utf8');
      return { id: Number(f.slice(0, 4)), name: f, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations in order, each in its own transaction with its ledger row. Refuses a database
 * that records a migration this build does not have: an older build must not write to a newer schema.
 */
export function migrate(db: Database.Database, migrations = readMigrations()): { applied: string[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all().map((r) => {
    const c = columnsOf('schema_migrations', r);
    return { id: c.int('id'), name: c.text('name'), checksum: c.text('checksum') };
  });
  const known = new Map(migrations.map((m) => [m.id, m]));
  for (const row of done) {
    const m = known.get(row.id);
    if (!m || m.name !== row.name) {
      throw new AppError('db_unknown_migration',
        `the database has migration ${row.name}, which this build does not know: refusing to open it (upgrade contest-intake)`);
    }
  }
  const applied: string[] = [];
  const doneIds = new Set(done.map((r) => r.id));
  const pending = migrations.filter((m) => !doneIds.has(m.id));
  if (pending.length === 0) return { applied };
  const insert = db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  // Changing a table's constraints means rebuilding it (SQLite's "12 steps"), and a DROP TABLE with foreign keys on
  // would cascade into every row that refers to it. So foreign keys are off while migrations run (the pragma is
  // ignored inside a transaction, hence here), and each migration must leave no dangling reference behind.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of pending) {
      db.transaction(() => {
        db.exec(m.sql);
        const dangling = db.pragma('foreign_key_check');
        if (Array.isArray(dangling) && dangling.length) throw new Error(`migration ${m.name} leaves ${dangling.length} rows with a dangling reference`);
        insert.run(m.id, m.name, m.checksum, new Date().toISOString());
      }).immediate();
      applied.push(m.name);
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return { applied };
}
