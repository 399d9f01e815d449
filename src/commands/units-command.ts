import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { unitProgress } from '../entries/unit-progress.ts';
import { AppError } from '../errors.ts';
import { mapUnitSpelling } from '../pipeline/map-unit-alias.ts';
import { reprocessAll } from '../pipeline/reprocess.ts';
import { listUnitAliases, removeUnitAlias } from '../store/units-repo.ts';

const USAGE = `units                              every directed unit's progress against its quota, and unknown units
units alias list
units alias add <as written> <unit> [--reprocess]
                                   map a spelling (e.g. 中共鹿城区委网信办) to a configured unit
units alias remove <as written>`;

/** Pads for a terminal, where a Chinese character takes two columns. */
function pad(text: string, columns: number): string {
  const width = [...text].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, columns - width));
}

function progressTable(app: App): string {
  const report = unitProgress(app.db, app.config.contest, listUnitAliases(app.db));
  const lines = report.units.map((u) => {
    const ne = u.newEmployment ? `  新就业 ${u.newEmployment.counted}/${u.newEmployment.quota}${u.newEmployment.met ? ' ✓' : ''}` : '';
    const state = u.silent ? 'silent' : u.met ? 'met' : 'behind';
    return `${pad(u.name, 20)}${pad(u.categoryLabel, 22)} ${String(u.counted).padStart(3)}/${u.quota} ${state}${ne}`;
  });
  if (report.unknown.length) {
    lines.push('', 'unknown units (map them with `units alias add`):');
    for (const u of report.unknown) lines.push(`  ${u.spellings.join(' / ')}: ${u.received} works`);
  }
  return lines.join('\n');
}

export async function unitsCommand(app: App, args: string[]): Promise<number> {
  const [sub, action, ...rest] = args;
  if (!sub) {
    console.log(progressTable(app));
    return 0;
  }
  if (sub !== 'alias') throw new AppError('usage', USAGE);
  if (action === 'list' || !action) {
    for (const a of listUnitAliases(app.db)) console.log(`${a.alias}\t→ ${a.unitName}\t(${a.addedAt})`);
    return 0;
  }
  const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { reprocess: { type: 'boolean', default: false } } });
  if (action === 'add') {
    const [alias, unit] = positionals;
    if (!alias || !unit) throw new AppError('usage', USAGE);
    const r = await mapUnitSpelling(app.deps, app.clock, alias, unit, { reprocess: values.reprocess });
    console.log(`alias added: ${r.alias} → ${r.unit}`);
    if (r.reprocessed) {
      console.log(`reprocessed ${r.reprocessed.reprocessed} messages, ${r.reprocessed.changed} changed`);
    } else {
      console.log('run `contest-intake reprocess` (or add --reprocess) so stored summaries are matched again');
    }
    return 0;
  }
  if (action === 'remove') {
    const [alias] = positionals;
    if (!alias) throw new AppError('usage', USAGE);
    console.log(removeUnitAlias(app.db, alias) ? `alias removed: ${alias}` : `no such alias: ${alias}`);
    return 0;
  }
  throw new AppError('usage', USAGE);
}
