import type { Clock } from '../clock.ts';
import type { ContestConfig, UnitConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { addUnitAlias } from '../store/units-repo.ts';
import { unitKey } from '../validate/unit-match.ts';
import type { IngestDeps } from './ingest-message.ts';
import { reprocessAll, type ReprocessReport } from './reprocess.ts';

/**
 * Maps a unit's spelling to a configured unit, then (when asked) reads the stored mail again so the works it sent
 * count for that unit: `units alias add … --reprocess` and the console's 单位 page both do exactly this.
 */
export function configuredUnit(contest: ContestConfig, name: string): UnitConfig {
  const target = contest.units.find((u) => u.name === name) ?? contest.units.find((u) => unitKey(u.name) === unitKey(name));
  if (!target) throw new AppError('usage', `"${name}" is not a configured unit; units are: ${contest.units.map((u) => u.name).join('、')}`);
  return target;
}

export async function mapUnitSpelling(deps: IngestDeps, clock: Clock, alias: string, unitName: string, opts: { reprocess: boolean }):
  Promise<{ unit: string; alias: string; reprocessed: ReprocessReport | null }> {
  const target = configuredUnit(deps.contest, unitName);
  const added = addUnitAlias(deps.db, alias, target.name, clock());
  return { unit: target.name, alias: added.alias, reprocessed: opts.reprocess ? await reprocessAll(deps, clock) : null };
}
