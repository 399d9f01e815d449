import path from 'node:path';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { backupDatabase } from '../store/db.ts';

/** `backup [--out FILE]`: a consistent copy of the database while the worker runs (SQLite's online backup). */
export async function backupCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const stamp = app.clock().toISOString().replace(/[:.]/g, '-');
  const out = path.resolve(values.out ?? path.join(app.config.dataDir, 'backups', `contest-intake-${stamp}.db`));
  await backupDatabase(app.db, out);
  console.log(`backup written to ${out} (archive files are content-addressed: copy ${path.join(app.config.dataDir, 'archive')} with rsync)`);
  return 0;
}
