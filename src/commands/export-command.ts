import { createWriteStream } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { readExportData } from '../exports/collect-exports.ts';
import { renderEntriesCsv } from '../exports/csv-export.ts';
import { writeFullJsonExport } from '../exports/json-export.ts';
import { renderXlsx } from '../exports/xlsx-export.ts';

/** `export --format json|csv|xlsx [--out FILE]`: json and csv to stdout without --out. */
export async function exportCommand(app: App, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'json' }, out: { type: 'string' } } });
  const format = values.format;
  if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw new AppError('usage', `export: unknown format "${format}" (json, csv, xlsx)`);
  if (format === 'xlsx' && !values.out) throw new AppError('usage', 'export --format xlsx needs --out FILE');
  const out = values.out ? path.resolve(values.out) : null;
  if (out) await mkdir(path.dirname(out), { recursive: true });
  if (format === 'json') {
    const stream = out ? createWriteStream(out, { mode: 0o600 }) : process.stdout;
    await writeFullJsonExport(app.db, app.config.contest, stream);
    if (out) await new Promise<void>((resolve, reject) => (stream as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
  } else {
    const data = readExportData(app.db, app.config.contest, app.clock());
    const bytes = format === 'xlsx' ? await renderXlsx(data, { awards: app.config.contest.awards }) : renderEntriesCsv(data);
    if (out) {
      await writeFile(out, bytes, { mode: 0o600 });
      await chmod(out, 0o600);
    } else {
      process.stdout.write(bytes);
    }
  }
  if (out) console.error(`wrote ${out}`);
  return 0;
}
