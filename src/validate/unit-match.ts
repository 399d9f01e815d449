import type { UnitConfig } from '../config.ts';
import { problem, type Problem } from '../domain/problem.ts';

/**
 * Recognizes a recommending unit however it is written (中共鹿城区委网信办, 鹿城区网信办, 温州日报社,
 * 温州市公安局, with spaces, brackets or full-width characters). Both sides go through the same
 * normalization, so config names and aliases need not anticipate every spelling.
 */

/** An alias added by the organizers at run time (`units alias add`), stored in the database. */
export interface UnitAlias {
  alias: string;
  unitName: string;
}

export interface UnitMatch {
  unit: UnitConfig;
  via: 'name' | 'alias' | 'added_alias';
}

const BRACKETED = /[（(【\[〔<《「][^）)】\]〕>》」]*[）)】\]〕>》」]/g;
const BRACKET_CHARS = /[（）()【】[\]〔〕<>《》「」]/g;

function countyPrefixes(units: readonly UnitConfig[]): string[] {
  const out = new Set<string>();
  for (const u of units) {
    if (!u.county) continue;
    const county = u.county.normalize('NFKC');
    out.add(county);
    // 鹿城区 → 鹿城: the short form people also write after 温州市.
    if (/[区市县]$/.test(county) && [...county].length >= 3) out.add(county.slice(0, -1));
  }
  return [...out];
}

/** The comparison key of one spelling (no bracket handling: see candidates()). */
export function unitKey(text: string, counties: readonly string[] = []): string {
  let s = text.normalize('NFKC').toLowerCase().replace(/[\s\u200b-\u200f\u2060\ufeff]/g, '');
  s = s.replace(/^(?:中国共产党|中共)/, '').replace(/^浙江省/, '');
  if (s.startsWith('温州市')) {
    const rest = s.slice(3);
    // 温州市鹿城区委网信办 names the county office; 温州市公安局 is the city department 市公安局.
    s = counties.some((c) => rest.startsWith(c)) ? rest : `市${rest}`;
  }
  s = s
    .replace(/网络安全和信息化委员会办公室|网络安全和信息化办公室|网信部门/g, '网信办')
    // 区委网信办 and 区网信办 are the same office; likewise 区委宣传部 and 区宣传部.
    .replace(/([区市县])委(网信办|宣传部|宣传统战部)/g, '$1$2')
    .replace(/[\p{P}\p{S}]/gu, '')
    // 温州日报社 is 温州日报.
    .replace(/社$/, '');
  return s;
}

/** Spellings to try: the text without bracket characters, without bracketed notes (（盖章）), and the notes alone. */
function candidates(text: string): string[] {
  const out = [text.replace(BRACKET_CHARS, ''), text.replace(BRACKETED, '')];
  for (const m of text.matchAll(BRACKETED)) out.push(m[0].replace(BRACKET_CHARS, ''));
  return out.filter((c) => c.trim().length > 0);
}

/** Builds the lookup once, for callers that match many names (unit progress over every entry). */
export function createUnitMatcher(units: readonly UnitConfig[], extraAliases: readonly UnitAlias[] = []): (text: string | null | undefined) => UnitMatch | null {
  const counties = countyPrefixes(units);
  const index = new Map<string, UnitMatch>();
  const add = (spelling: string, match: UnitMatch): void => {
    const key = unitKey(spelling, counties);
    // The first writer wins: a configured name is never re-pointed by an alias.
    if (key && !index.has(key)) index.set(key, match);
  };
  for (const unit of units) add(unit.name, { unit, via: 'name' });
  for (const unit of units) for (const alias of unit.aliases) add(alias, { unit, via: 'alias' });
  const byName = new Map(units.map((u) => [u.name, u]));
  for (const extra of extraAliases) {
    const unit = byName.get(extra.unitName);
    // An alias pointing at a unit that the config no longer has is ignored, not an error: config wins.
    if (unit) add(extra.alias, { unit, via: 'added_alias' });
  }
  return (text) => {
    if (!text) return null;
    for (const candidate of candidates(text.normalize('NFKC'))) {
      const hit = index.get(unitKey(candidate, counties));
      if (hit) return hit;
    }
    return null;
  };
}

export function matchUnit(text: string | null | undefined, units: readonly UnitConfig[], extraAliases: readonly UnitAlias[] = []): UnitMatch | null {
  return createUnitMatcher(units, extraAliases)(text);
}

/** For the organizers: the unit is not in the list; they map it with `units alias add` and reprocess. */
export function unknownUnitProblem(rawName: string): Problem {
  return problem('unknown_unit', `推荐单位“${rawName.trim()}”不在定向征集单位名单中，请主办方确认后添加单位别名并重新处理。`, {
    actor: 'organizer', field: 'unit', detail: rawName.trim(),
  });
}
