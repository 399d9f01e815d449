import path from 'node:path';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { importFiles } from '../pipeline/import-files.ts';

/** `import <file.eml|folder>…`: the same pipeline over .eml files; exit 1 when any file failed. */
export async function importCommand(app: App, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new AppError('usage', 'import needs a .eml file or a folder');
  let failed = 0;
  for (const target of positionals) {
    const r = await importFiles(path.resolve(target), app.deps, app.clock, app.limits);
    console.log(`${target}: ${r.imported} new, ${r.known} already known, ${r.failed.length} failed, of ${r.files} files`);
    for (const f of r.failed) console.log(`  failed: ${f.file}: ${f.error}`);
    failed += r.failed.length;
  }
  return failed ? 1 : 0;
}
