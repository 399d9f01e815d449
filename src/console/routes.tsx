import { readFileSync } from 'node:fs';
import type { App } from '../app.ts';
import { logIn, logOut, LOCK_MINUTES } from '../accounts/login.ts';
import { userSummaries } from '../accounts/manage-users.ts';
import { AppError, describeError, isUsageError } from '../errors.ts';
import { localStamp } from '../domain/contest-calendar.ts';
import { renderXlsx } from '../exports/xlsx-export.ts';
import { mapUnitSpelling } from '../pipeline/map-unit-alias.ts';
import { correctField, decide, markChecked, noteWork } from '../review/review-work.ts';
import { resendUnknownReply } from '../review/resend-reply.ts';
import { auditOfOutbox, recentAudit } from '../store/audit-repo.ts';
import { entriesOfMessage, getMessage, listMessages, listOutboxPage, workIds, type OutboxListRow } from '../store/console-repo.ts';
import { readExportData } from '../exports/collect-exports.ts';
import { getOutbox, type OutboxStatus } from '../store/outbox-repo.ts';
import { CORRECTABLE_FIELDS, type CorrectableField } from '../store/review-repo.ts';
import { unitProgress } from '../entries/unit-progress.ts';
import { listUnitAliases } from '../store/units-repo.ts';
import { mailFrameHtml } from './mail-frame.ts';
import { mailContent, offsetOf, overviewData, PAGE_SIZE, parseWorkQuery, replyText, workPageData, worksView } from './page-data.ts';
import type { ConsoleRequest, Reply, Route } from './route.ts';
import type { Viewer } from './views/layout.tsx';
import { LoginPage } from './views/login-page.tsx';
import { MailListPage, MailPage } from './views/mail-pages.tsx';
import { OverviewPage } from './views/overview-page.tsx';
import { RepliesPage, ReplyPage } from './views/replies-pages.tsx';
import { UnitsPage } from './views/units-page.tsx';
import { UsersPage } from './views/users-page.tsx';
import { WorkPage } from './views/work-page.tsx';
import { WorksPage } from './views/works-page.tsx';

/**
 * Every route of the console, as data: the adapter serves exactly these, and the tests enumerate them from here.
 * Handlers read through page-data.ts and act through the review use cases; none holds a query of its own.
 */

const html = (node: unknown, status?: number): Reply => ({ kind: 'html', body: String(node), ...(status ? { status } : {}) });

function viewer(req: ConsoleRequest): Viewer {
  const s = req.session!;
  return { name: s.userName, role: s.role, csrf: s.csrfToken };
}

const idOf = (req: ConsoleRequest, name = 'id'): number => Number(req.params[name]);

/** Only paths of our own site: `next` never sends anyone elsewhere. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

const DONE: Record<string, string> = {
  checked: '已标记为已核对。', unchecked: '已取消已核对。', accepted: '已接受该作品。', excluded: '已排除该作品。', none: '已撤销决定。',
  corrected: '已保存更正。', noted: '已添加备注。', resent: '已重新发送。', mapped: '已添加单位别名并重新处理。',
};
const noticeOf = (req: ConsoleRequest): string | null => DONE[req.query.get('done') ?? ''] ?? null;

/** Runs an action; a refusal a person can fix (AppError 'usage') re-renders the page with the message, status 400. */
async function act(req: ConsoleRequest, app: App, run: () => void | Promise<void>, done: string, back: string, page: (error: string) => Reply): Promise<Reply> {
  try {
    await run();
  } catch (err) {
    if (isUsageError(err)) return page(describeError(err));
    throw err;
  }
  return { kind: 'redirect', to: `${back}?done=${done}` };
}

function workPage(req: ConsoleRequest, app: App, error: string | null = null): Reply {
  const data = workPageData(app, idOf(req));
  if (!data) return { kind: 'not_found' };
  return html(<WorkPage viewer={viewer(req)} data={data} notice={error ? null : noticeOf(req)} error={error} />, error ? 400 : undefined);
}

function unitsPage(req: ConsoleRequest, app: App, error: string | null = null): Reply {
  return html(<UnitsPage viewer={viewer(req)} report={unitProgress(app.db, app.config.contest, listUnitAliases(app.db))} aliases={listUnitAliases(app.db)}
    unitNames={app.config.contest.units.map((u) => u.name)} notice={error ? null : noticeOf(req)} error={error} />, error ? 400 : undefined);
}

async function replyPage(req: ConsoleRequest, app: App, error: string | null = null): Promise<Reply> {
  const row = getOutbox(app.db, idOf(req));
  if (!row) return { kind: 'not_found' };
  const { raw: _raw, payload: _payload, ...listed } = row;
  return html(<ReplyPage viewer={viewer(req)} row={listed as OutboxListRow} text={await replyText(app, row.id)} audit={auditOfOutbox(app.db, row.id)}
    timezone={app.config.contest.timezone} notice={error ? null : noticeOf(req)} error={error} />, error ? 400 : undefined);
}

const ASSETS_DIR = new URL('./assets/', import.meta.url);
const asset = (name: string, contentType: string): Route => {
  let body: Buffer | null = null;
  return { method: 'GET', path: `/assets/${name}`, access: 'public', handle: () => ({ kind: 'asset', body: (body ??= readFileSync(new URL(name, ASSETS_DIR))), contentType }) };
};

export const ROUTES: Route[] = [
  asset('console.css', 'text/css; charset=utf-8'),
  asset('console.js', 'text/javascript; charset=utf-8'),
  {
    method: 'GET', path: '/login', access: 'public',
    handle: (req) => html(<LoginPage csrf={req.csrf} next={safeNext(req.query.get('next') ?? undefined)} error={null} />),
  },
  {
    method: 'POST', path: '/login', access: 'public',
    async handle(req, app) {
      const r = await logIn(app.db, req.form.name ?? '', req.form.password ?? '', req.now);
      if (r.ok) return { kind: 'logged_in', token: r.token, to: safeNext(req.form.next) };
      const error = r.reason === 'locked'
        ? `密码错误次数过多，账户已锁定，请在 ${localStamp(r.lockedUntil!, app.config.contest.timezone)} 之后再试（锁定 ${LOCK_MINUTES} 分钟）。`
        : '用户名或密码不正确。';
      return html(<LoginPage csrf={req.csrf} next={safeNext(req.form.next)} error={error} name={req.form.name} />, r.reason === 'locked' ? 423 : 401);
    },
  },
  {
    method: 'POST', path: '/logout', access: 'viewer',
    handle(req, app) {
      logOut(app.db, req.session!, req.now);
      return { kind: 'logged_out' };
    },
  },
  { method: 'GET', path: '/', access: 'viewer', handle: (req, app) => html(<OverviewPage viewer={viewer(req)} data={overviewData(app, req.now)} />) },
  { method: 'GET', path: '/works', access: 'viewer', handle: (req, app) => html(<WorksPage viewer={viewer(req)} view={worksView(app, req.query, req.now)} />) },
  {
    // The current view of 作品 as the same workbook `export --format xlsx` writes, with only the view's works.
    method: 'GET', path: '/works.xlsx', access: 'viewer',
    async handle(req, app) {
      const ids = workIds(app.db, parseWorkQuery(req.query, app.config.contest.timezone, app.config.contest.problemClasses));
      const data = readExportData(app.db, app.config.contest, req.now);
      const byId = new Map(data.entries.map((e) => [e.id, e]));
      const entries = ids.map((id) => byId.get(id)).filter((e) => e !== undefined);
      const body = await renderXlsx({ ...data, entries });
      return { kind: 'download', body, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: `作品-${req.now.toISOString().slice(0, 10)}.xlsx` };
    },
  },
  { method: 'GET', path: '/works/:id{[0-9]{1,9}}', access: 'viewer', handle: (req, app) => workPage(req, app) },
  {
    method: 'POST', path: '/works/:id{[0-9]{1,9}}/check', access: 'organizer',
    handle: (req, app) => act(req, app, () => markChecked(app.db, idOf(req), req.form.checked !== '0', req.session!.userName, req.now),
      req.form.checked !== '0' ? 'checked' : 'unchecked', `/works/${idOf(req)}`, (e) => workPage(req, app, e)),
  },
  {
    method: 'POST', path: '/works/:id{[0-9]{1,9}}/decision', access: 'organizer',
    handle(req, app) {
      const d = req.form.decision;
      const decision = d === 'accepted' || d === 'excluded' ? d : d === 'none' ? null : undefined;
      return act(req, app, () => {
        if (decision === undefined) throw new AppError('usage', '请选择接受或排除');
        decide(app.db, idOf(req), decision, req.form.reason ?? '', req.session!.userName, req.now);
      }, decision ?? 'none', `/works/${idOf(req)}`, (e) => workPage(req, app, e));
    },
  },
  {
    method: 'POST', path: '/works/:id{[0-9]{1,9}}/correct', access: 'organizer',
    handle(req, app) {
      const field = req.form.field as CorrectableField;
      return act(req, app, () => {
        if (!CORRECTABLE_FIELDS.includes(field)) throw new AppError('usage', '请选择要更正的字段');
        correctField(app.db, app.config.contest, idOf(req), field, req.form.value ?? '', req.session!.userName, req.now);
      }, 'corrected', `/works/${idOf(req)}`, (e) => workPage(req, app, e));
    },
  },
  {
    method: 'POST', path: '/works/:id{[0-9]{1,9}}/note', access: 'organizer',
    handle: (req, app) => act(req, app, () => noteWork(app.db, idOf(req), req.form.text ?? '', req.session!.userName, req.now),
      'noted', `/works/${idOf(req)}`, (e) => workPage(req, app, e)),
  },
  {
    method: 'GET', path: '/mail', access: 'viewer',
    handle(req, app) {
      const offset = offsetOf(req.query);
      const q = { q: req.query.get('q')?.slice(0, 100) ?? '', kind: req.query.get('kind') ?? '', status: req.query.get('status') ?? '' };
      const { rows, total } = listMessages(app.db, q, { offset, limit: PAGE_SIZE });
      return html(<MailListPage viewer={viewer(req)} rows={rows} total={total} offset={offset} limit={PAGE_SIZE} query={req.query} timezone={app.config.contest.timezone} />);
    },
  },
  {
    method: 'GET', path: '/mail/:id{[0-9]{1,9}}', access: 'viewer',
    handle(req, app) {
      const mail = mailContent(app, idOf(req));
      if (!mail) return { kind: 'not_found' };
      return html(<MailPage viewer={viewer(req)} mail={mail} entries={entriesOfMessage(app.db, mail.message.id)} timezone={app.config.contest.timezone} />);
    },
  },
  {
    // The mail's own HTML, only ever shown inside <iframe sandbox> with its own CSP (no script, no remote load).
    method: 'GET', path: '/mail/:id{[0-9]{1,9}}/body', access: 'viewer',
    handle(req, app) {
      const m = getMessage(app.db, idOf(req));
      if (!m?.htmlKey || !app.archive.has(m.htmlKey)) return { kind: 'not_found' };
      return { kind: 'mail_frame', body: mailFrameHtml(app.archive.get(m.htmlKey).toString('utf8')) };
    },
  },
  {
    // Attachments by their position in the message: the file comes from the archive by its recorded sha256, never by a name.
    method: 'GET', path: '/mail/:id{[0-9]{1,9}}/attachments/:n{[0-9]{1,4}}', access: 'viewer',
    handle(req, app) {
      const mail = mailContent(app, idOf(req));
      const a = mail?.attachments[Number(req.params.n)];
      if (!a?.downloaded || !a.sha256 || !app.archive.has(a.sha256)) return { kind: 'not_found' };
      return { kind: 'download', body: app.archive.get(a.sha256), contentType: 'application/octet-stream', filename: a.filename ?? `attachment-${a.index + 1}` };
    },
  },
  { method: 'GET', path: '/units', access: 'viewer', handle: (req, app) => unitsPage(req, app) },
  {
    method: 'POST', path: '/units/alias', access: 'organizer',
    handle: (req, app) => act(req, app, async () => {
      const r = await mapUnitSpelling(app.deps, app.clock, req.form.alias ?? '', req.form.unit ?? '', { reprocess: true });
      app.log.info({ alias: r.alias, unit: r.unit, by: req.session!.userName, changed: r.reprocessed?.changed }, 'unit alias added from the console');
    }, 'mapped', '/units', (e) => unitsPage(req, app, e)),
  },
  {
    method: 'GET', path: '/replies', access: 'viewer',
    handle(req, app) {
      const offset = offsetOf(req.query);
      const status = req.query.get('status') as OutboxStatus | null;
      const valid: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed', 'capped', 'unknown'];
      const { rows, total } = listOutboxPage(app.db, status && valid.includes(status) ? { status } : {}, { offset, limit: PAGE_SIZE });
      return html(<RepliesPage viewer={viewer(req)} rows={rows} total={total} offset={offset} limit={PAGE_SIZE} query={req.query} timezone={app.config.contest.timezone} />);
    },
  },
  { method: 'GET', path: '/replies/:id{[0-9]{1,9}}', access: 'viewer', handle: (req, app) => replyPage(req, app) },
  {
    method: 'POST', path: '/replies/:id{[0-9]{1,9}}/resend', access: 'organizer',
    async handle(req, app) {
      const deps = { db: app.db, mailer: app.mailer, from: { name: app.config.contest.name, address: app.config.mailFrom }, log: app.log.child({ module: 'outbox' }) };
      try {
        const r = await resendUnknownReply(deps, idOf(req), req.session!.userName, app.clock);
        if (!r.ok) return replyPage(req, app, `重发没有成功（${r.status}）：${r.error ?? ''}`);
      } catch (err) {
        if (isUsageError(err)) return replyPage(req, app, describeError(err));
        throw err;
      }
      return { kind: 'redirect', to: `/replies/${idOf(req)}?done=resent` };
    },
  },
  {
    method: 'GET', path: '/users', access: 'admin',
    handle: (req, app) => html(<UsersPage viewer={viewer(req)} users={userSummaries(app.db, req.now)} audit={recentAudit(app.db, 100)} timezone={app.config.contest.timezone} />),
  },
];
