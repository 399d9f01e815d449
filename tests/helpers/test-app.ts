import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App, type AppOverrides } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { fixedClock, systemClock } from '../../src/clock.ts';

export interface TestApp extends App {
  dataDir: string;
  logFile: string;
  dispose(): void;
}

/** A real app (config schema, SQLite on disk, archive) in a temp folder, logging to a file the test can read. */
export function makeTestApp(env: Record<string, string> = {}, opts: { now?: string } & AppOverrides = {}): TestApp {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ci-app-'));
  const config = loadConfig({ DATA_DIR: dataDir, CONFIG_DIR: path.resolve('config'), ...env });
  const logFile = path.join(dataDir, 'test.log');
  const log = createLogger({ level: 'debug', destination: logFile });
  const app = createApp(config, log, opts.now ? fixedClock(opts.now) : systemClock, { douyinOrigin: opts.douyinOrigin });
  return {
    ...app,
    dataDir,
    logFile,
    dispose() {
      app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function countRows(app: App, sql: string, ...params: unknown[]): number {
  return (app.db.prepare(sql).get(...params) as { n: number }).n;
}
