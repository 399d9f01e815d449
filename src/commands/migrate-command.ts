import path from 'node:path';
import type { AppConfig } from '../config.ts';
import { openDatabase } from '../store/db.ts';

/** `migrate`: applies the database's migrations and exits. Runs without the app: nothing else is opened. */
export function migrateCommand(config: AppConfig): number {
  const db = openDatabase(config.dataDir);
  db.close();
  console.log(`database ${path.join(config.dataDir, 'contest-intake.db')} is up to date`);
  return 0;
}
