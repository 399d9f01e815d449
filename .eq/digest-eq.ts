// Old digest.ts (base worktree) against the new description + renderer: the HTML must be the same bytes.
import { renderDigest as oldRender } from '/tmp/restructure/base/src/outputs/digest.ts';
import { renderDigest as newRender } from '/work/wt-restructure/src/digest/render-digest.ts';
import { readDigestData } from '/work/wt-restructure/src/digest/collect-digest.ts';
import { buildDigestFixture, DAY, DIGEST_NOW } from '/work/wt-restructure/tests/outputs/digest-fixture.ts';
import { CONTEST, tempDb } from '/work/wt-restructure/tests/outputs/outputs-helpers.ts';

let seed = Number(process.env.SEED ?? 7); const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T,>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
const HOSTILE = ['<script>x</script>', 'a & b "c" \'d\'', '13812345678', '  多个\r\n空格\t', '', 'W'.repeat(300), '长'.repeat(90), '0577-88096549 电话', '\u202e反转', '正常文本'];
const str = () => pick(HOSTILE) + (rnd() < 0.5 ? pick(HOSTILE) : '');
const maybe = <T,>(v: T): T | null => (rnd() < 0.3 ? null : v);
const n = () => Math.floor(rnd() * 50);
const stamp = () => new Date(Date.UTC(2024, 5, 1 + Math.floor(rnd() * 20), Math.floor(rnd() * 24))).toISOString();
const statuses = ['pending', 'sending', 'sent', 'failed', 'capped', 'unknown'] as const;
function randomData(base: any): any {
  const units = base.units.map((u: any) => ({ ...u, counted: n() % 8, silent: rnd() < 0.4, newEmployment: u.newEmployment ? { ...u.newEmployment, counted: n() % 5, met: rnd() < 0.5 } : null, name: rnd() < 0.2 ? str() : u.name }));
  const items = (k: number) => Array.from({ length: k }, () => 0);
  return {
    ...base, date: pick(['2024-06-10', '2024-09-25', '2024-10-03', '2024-05-01']), deadline: base.deadline,
    day: { messages: n(), byKind: rnd() < 0.5 ? { individual: n(), weird_kind: n() } : {}, entries: n(), validEntries: n(), repliesSent: n() },
    totals: { messages: n(), byKind: { unit_summary: n() }, entries: n(), validWorks: n(), withProblems: n(), duplicates: n(), needsPerson: n() },
    units, unknownUnits: items(Math.floor(rnd() * 3)).map(() => ({ name: str(), spellings: [str(), str()], received: n(), counted: n() })),
    waiting: items(pick([0, 1, 5, 31, 40])).map(() => ({ messageId: n(), entryId: maybe(n()), receivedAt: stamp(), sender: maybe(str()), title: maybe(str()), authors: rnd() < 0.3 ? [] : [str(), str()], phone: maybe(pick(['13812345678', '<b>1</b>', '0577-88096549'])), problems: items(Math.floor(rnd() * 8)).map(str), reply: maybe(pick([...statuses])) })),
    needsPerson: items(pick([0, 2, 31])).map(() => ({ messageId: n(), entryId: maybe(n()), receivedAt: stamp(), sender: rnd() < 0.1 ? null : pick(['a@b.com', '13812345678@163.com', '<x>@y']), subject: str(), title: maybe(str()), reasons: items(1 + Math.floor(rnd() * 7)).map(str) })),
    capped: items(Math.floor(rnd() * 3)).map(() => ({ address: str(), count: n(), reasons: ['sender_cap'] })),
    delivery: { pending: n(), issues: items(pick([0, 1, 35])).map(() => ({ id: n(), kind: 'reply', recipients: [str()], status: pick([...statuses]), code: maybe(pick(['interrupted', 'smtp_rejected', 'other_code'])), error: maybe(str()) })) },
  };
}
const t = tempDb('ci-eq-');
await buildDigestFixture(t.db);
const base = readDigestData(t.db, CONTEST, DAY);
let same = 0, differ = 0;
for (let i = 0; i < 400; i++) {
  const data = i === 0 ? base : randomData(base);
  const now = i === 0 ? DIGEST_NOW : new Date(Date.UTC(2024, 5 + Math.floor(rnd() * 5), 1 + Math.floor(rnd() * 28)));
  const a0 = oldRender(data, now), b = newRender(data, now); const a = { ...a0, html: process.env.NORM ? a0.html.replaceAll(`<div style="color:#555;font-size:13px"></div>`, "") : a0.html };
  if (a.subject !== b.subject) throw new Error(`subject differs at ${i}`);
  if (a.html === b.html) same++; else {
    differ++;
    if (process.env.SHOW && differ <= 2) { let k = 0; while (a.html[k] === b.html[k]) k++; console.log(i, '\nold:', a.html.slice(k - 150, k + 200), '\nnew:', b.html.slice(k - 150, k + 200)); }
  }
}
console.log(`html identical ${same}, different ${differ}`);
if (process.env.TEXT) { const d = base; console.log(oldRender(d, DIGEST_NOW).text); console.log('-----'); console.log(newRender(d, DIGEST_NOW).text); }
t.dispose();
