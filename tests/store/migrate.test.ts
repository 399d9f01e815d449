import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isUnknownMigration } from '../../src/errors.ts';
import { openDatabase } from '../../src/store/db.ts';
import { readMigrations } from '../../src/store/migrate.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ci-migrate-'));
  dirs.push(d);
  return d;
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('migrations', () => {
  it('applies every numbered migration once and records it in the ledger', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    const ledger = db.prepare('SELECT name FROM schema_migrations ORDER BY id').all() as { name: string }[];
    expect(ledger.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
    db.close();
    const again = openDatabase(dir);
    expect((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(ledger.length);
    again.close();
  });

  it('refuses a database that has a migration this build does not know', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    db.prepare("INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (9999, '9999_from_the_future.sql', 'x', 'now')").run();
    db.close();
    let caught: unknown;
    try {
      openDatabase(dir);
    } catch (err) {
      caught = err;
    }
    expect(isUnknownMigration(caught)).toBe(true);
  });

  it('creates the data folder and the database readable by the owner only', () => {
    const dir = path.join(tempDir(), 'data');
    openDatabase(dir).close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'contest-intake.db')).mode & 0o777).toBe(0o600);
  });
});
