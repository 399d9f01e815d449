import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { localStamp } from '../domain/contest-calendar.ts';
import { unitProgress } from '../entries/unit-progress.ts';
import { AppError } from '../errors.ts';
import { messages } from '../i18n/catalogue.ts';
import type { Messages } from '../i18n/messages-zh.ts';
import { mapUnitSpelling } from '../pipeline/map-unit-alias.ts';
import { maskPhone } from '../privacy.ts';
import { latestUnitContacts } from '../store/summary-contacts-repo.ts';
import { listUnitAliases, removeUnitAlias } from '../store/units-repo.ts';
import { unitKey } from '../validate/unit-match.ts';

/** Pads for a terminal, where a Chinese character takes two columns. */
function pad(text: string, columns: number): string {
  const width = [...text].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, columns - width));
}

/** Each unit on a line: its progress, state, new-employment works and contact (the phone masked on a terminal). */
function progressTable(app: App, m: Messages): string {
  const report = unitProgress(app.db, app.config.contest, listUnitAliases(app.db));
  const contacts = latestUnitContacts(app.db);
  const lines = report.units.map((u) => {
    const ne = u.newEmployment ? `  ${m.newEmployment} ${u.newEmployment.counted}/${u.newEmployment.quota}${u.newEmployment.met ? ' ✓' : ''}` : '';
    const state = u.silent ? 'silent' : u.met ? 'met' : 'behind';
    const c = contacts.get(u.name);
    const who = c && (c.name || c.phone) ? `  ${[c.name, c.phone ? maskPhone(c.phone) : null].filter(Boolean).join(' ')}` : '';
    return `${pad(u.name, 20)}${pad(u.categoryLabel, 22)} ${String(u.counted).padStart(3)}/${u.quota} ${pad(m.unitState[state]!, 8)}${ne}${who}`;
  });
  if (report.unknown.length) {
    lines.push('', m.unknownUnitsHeading);
    for (const u of report.unknown) lines.push(`  ${u.spellings.join(' / ')}: ${m.works(u.received)}`);
  }
  return lines.join('\n');
}

export async function unitsCommand(app: App, args: string[]): Promise<number> {
  const m = messages(app.config.lang);
  const [sub, action, ...rest] = args;
  if (!sub) {
    console.log(progressTable(app, m));
    return 0;
  }
  if (sub !== 'alias') throw new AppError('usage', m.unitsUsage);
  if (action === 'list' || !action) {
    for (const a of listUnitAliases(app.db)) console.log(`${a.alias}\t→ ${a.unitName}\t(${localStamp(a.addedAt, app.config.contest.timezone)})`);
    return 0;
  }
  const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { reprocess: { type: 'boolean', default: false } } });
  if (action === 'add') {
    const [alias, unit] = positionals;
    if (!alias || !unit) throw new AppError('usage', m.unitsUsage);
    // The unit named first, in the operator's language; then the mapping as the console does it.
    if (!app.config.contest.units.some((u) => u.name === unit || unitKey(u.name) === unitKey(unit))) {
      throw new AppError('usage', m.notAUnit(unit, app.config.contest.units.map((u) => u.name).join('、')));
    }
    const r = await mapUnitSpelling(app.deps, app.clock, alias, unit, { reprocess: values.reprocess });
    console.log(m.aliasAdded(r.alias, r.unit));
    if (r.reprocessed) {
      console.log(m.reprocessedAfterAlias(r.reprocessed.reprocessed, r.reprocessed.changed));
    } else {
      console.log(m.reprocessHint);
    }
    return 0;
  }
  if (action === 'remove') {
    const [alias] = positionals;
    if (!alias) throw new AppError('usage', m.unitsUsage);
    console.log(removeUnitAlias(app.db, alias) ? m.aliasRemoved(alias) : m.noSuchAlias(alias));
    return 0;
  }
  throw new AppError('usage', m.unitsUsage);
}
