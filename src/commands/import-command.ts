import path from 'node:path';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { messages } from '../i18n/catalogue.ts';
import { importFiles } from '../pipeline/import-files.ts';

/** `import <file.eml|folder>…`: the same pipeline over .eml files; exit 1 when any file failed. */
export async function importCommand(app: App, args: string[]): Promise<number> {
  const m = messages(app.config.lang);
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new AppError('usage', m.importNeedsFile);
  let failed = 0;
  for (const target of positionals) {
    const r = await importFiles(path.resolve(target), app.deps, app.clock, app.limits);
    console.log(m.importLine(target, r.imported, r.known, r.failed.length, r.files));
    for (const f of r.failed) console.log(m.importFailed(f.file, f.error));
    failed += r.failed.length;
  }
  return failed ? 1 : 0;
}
