import { createWriteStream } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { AppError } from '../errors.ts';
import { findUnit, readExportData, readUnitExport } from '../exports/collect-exports.ts';
import { renderEntriesCsv } from '../exports/csv-export.ts';
import { writeFullJsonExport } from '../exports/json-export.ts';
import { renderUnitXlsx, renderXlsx } from '../exports/xlsx-export.ts';
import { messages } from '../i18n/catalogue.ts';

async function writePrivate(out: string, bytes: Buffer | string): Promise<void> {
  await writeFile(out, bytes, { mode: 0o600 });
  await chmod(out, 0o600);
}

/**
 * `export --format json|csv|xlsx [--out FILE]`: json and csv to stdout without --out.
 * `export --unit NAME --format xlsx --out FILE`: one unit's works in the layout of the notice's 附件2.
 */
export async function exportCommand(app: App, args: string[]): Promise<number> {
  const m = messages(app.config.lang);
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'json' }, out: { type: 'string' }, unit: { type: 'string' } } });
  const format = values.format;
  if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw new AppError('usage', m.exportFormat(format));
  if (values.unit !== undefined && format !== 'xlsx') throw new AppError('usage', m.unitNeedsXlsx);
  if (format === 'xlsx' && !values.out) throw new AppError('usage', m.xlsxNeedsOut);
  const out = values.out ? path.resolve(values.out) : null;
  if (out) await mkdir(path.dirname(out), { recursive: true });

  if (values.unit !== undefined) {
    const unit = findUnit(app.db, app.config.contest, values.unit);
    if (!unit) throw new AppError('usage', m.unknownUnit(values.unit, app.config.contest.units.map((u) => u.name).join('、')));
    const data = readUnitExport(app.db, app.config.contest, unit, app.clock());
    await writePrivate(out!, await renderUnitXlsx(data));
    console.error(m.wroteUnit(out!, unit, data.entries.length));
    return 0;
  }
  if (format === 'json') {
    const stream = out ? createWriteStream(out, { mode: 0o600 }) : process.stdout;
    await writeFullJsonExport(app.db, app.config.contest, stream);
    if (out) await new Promise<void>((resolve, reject) => (stream as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
  } else {
    const data = readExportData(app.db, app.config.contest, app.clock());
    const bytes = format === 'xlsx' ? await renderXlsx(data) : renderEntriesCsv(data);
    if (out) await writePrivate(out, bytes);
    else process.stdout.write(bytes);
  }
  if (out) console.error(m.wrote(out));
  return 0;
}
