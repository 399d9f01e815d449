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
  const insert = db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations) {
    if (doneIds.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      insert.run(m.id, m.name, m.checksum, new Date().toISOString());
    }).immediate();
    applied.push(m.name);
  }
  return { applied };
}
