// The organizers' console over HTTP: the only module that imports the web framework.
//
// Why Hono 4 (with @hono/node-server) rather than Fastify 5 (+ helmet, rate-limit, csrf-protection, formbody, cookie):
// - templates that escape by construction: Hono's JSX escapes every value by default and is type-checked; Fastify has
//   no template engine of its own (@fastify/view with a string engine, where one `<%~` is raw output);
// - CSRF: @fastify/csrf-protection is token-based, Hono's csrf() only checks Origin. Our sessions are server-side
//   anyway, so the synchronizer token (one per session, in SQLite, compared in constant time) is a few lines here,
//   plus an Origin check; the login form gets its own token in a cookie (double submit);
// - rate limiting: @fastify/rate-limit is better than nothing in Hono core, but the limit that matters is per account
//   and must survive a restart (the lockout in SQLite, accounts/login.ts); a small per-address window is added here;
// - memory: measured on this machine, the same page under the same load: bare node:http 54 MB RSS, Hono 65 MB,
//   Fastify with the five plugins 76 MB. The console may add at most 30 MB to the worker: Hono leaves more room;
// - maturity: Fastify (OpenJS Foundation, since 2016) is the more proven; Hono 4 is younger but widely deployed,
//   small, dependency-free, and its node adapter is maintained by the same team.
// Security headers are set below by hand rather than with hono/secure-headers: the mail frame needs its own CSP and
// framing rule, and one table of headers is easier to audit than a middleware's defaults plus overrides.
import { Hono, type Context } from 'hono';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.ts';
import { csrfMatches, mayAct, sessionOf, SESSION_IDLE_HOURS } from '../accounts/login.ts';
import { purgeSessions } from '../store/users-repo.ts';
import type { HeapWatch } from '../heap/quiet-compaction.ts';
import { RateLimit } from './rate-limit.ts';
import type { ConsoleRequest, Reply, Route } from './route.ts';
import { ROUTES } from './routes.tsx';

const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src 'self'; frame-ancestors 'none'; "
  + "form-action 'self'; base-uri 'none'; object-src 'none'";
// The mail's own HTML: nothing loads, nothing runs, and only our pages may frame it.
const FRAME_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

function sameBytes(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A file name for Content-Disposition: no path, no quotes or control characters; non-ASCII in filename*. */
export function safeFilename(name: string): { ascii: string; utf8: string } {
  const base = name.split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f"<>:|?*]/g, '_').replace(/^\.+/, '_').slice(0, 150) || 'attachment';
  return { ascii: base.replace(/[^\x20-\x7e]/g, '_'), utf8: encodeURIComponent(base) };
}

export function createConsoleHandler(app: App): Hono {
  const web = app.config.web;
  const hono = new Hono();
  const logins = new RateLimit(20, 5 * 60_000);
  const secureOf = (c: Context): boolean =>
    web.baseUrl?.startsWith('https://') === true || (web.trustProxy && c.req.header('x-forwarded-proto') === 'https');
  const sessionCookie = (secure: boolean) => (secure ? '__Host-ci_session' : 'ci_session');
  const clientAddress = (c: Context): string => {
    if (web.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };

  // Set before the handler runs, which may replace one (the mail frame's CSP, an asset's Cache-Control). Not after:
  // a header added to a finished response makes Hono rebuild it around its body as a stream, and the node adapter
  // then streams every page instead of writing its string (measured: a third of the 作品 list's time under load).
  hono.use('*', async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with our own forms.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', 'no-store');
    if (secureOf(c)) c.header('Strict-Transport-Security', 'max-age=31536000');
    await next();
  });
  hono.use('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('请求过大', 413) }));

  const refuse = (c: Context, status: 401 | 403 | 429, text: string) => c.text(text, status);

  async function handle(route: Route, c: Context): Promise<Response> {
    const now = app.clock();
    const secure = secureOf(c);
    const session = sessionOf(app.db, getCookie(c, sessionCookie(secure)), now);
    const path = new URL(c.req.url).pathname;
    if (route.access !== 'public') {
      if (!session) {
        if (route.method === 'GET') return c.redirect(`/login?next=${encodeURIComponent(path)}`, 303);
        return refuse(c, 401, '请先登录');
      }
      if (!mayAct(session.role, route.access)) return refuse(c, 403, '没有权限执行此操作');
    }
    const cookieOpts = { httpOnly: true, sameSite: 'Strict', secure, path: '/' } as const;
    let csrf = session?.csrfToken ?? '';
    let form: Record<string, string> = {};
    if (route.method === 'POST') {
      // A cross-site form cannot pass: the browser names its origin, and the token is one the page gave out.
      const origin = c.req.header('origin');
      if (origin && origin !== new URL(c.req.url).origin && !(web.baseUrl && origin === new URL(web.baseUrl).origin)) return refuse(c, 403, '来源不符，已拒绝');
      const body = await c.req.parseBody().catch(() => ({}));
      form = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const ok = session ? csrfMatches(session, form._csrf) : sameBytes(form._csrf, getCookie(c, 'ci_login'));
      if (!ok) return refuse(c, 403, '表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试');
      if (path === '/login' && !logins.take(clientAddress(c), now.getTime())) return refuse(c, 429, '登录尝试过于频繁，请稍后再试');
    } else if (route.access === 'public' && path === '/login') {
      csrf = getCookie(c, 'ci_login') ?? randomBytes(24).toString('base64url');
      setCookie(c, 'ci_login', csrf, { ...cookieOpts, path: '/login', maxAge: 3600 });
    }
    if (route.access === 'public' && path === '/login' && route.method === 'POST') csrf = form._csrf ?? '';
    const req: ConsoleRequest = {
      method: route.method, path, params: c.req.param() as Record<string, string>, query: new URL(c.req.url).searchParams,
      form, session, csrf, now,
    };
    return respond(c, await route.handle(req, app), { secure, cookieOpts });
  }

  function respond(c: Context, reply: Reply, ctx: { secure: boolean; cookieOpts: { httpOnly: true; sameSite: 'Strict'; secure: boolean; path: string } }): Response {
    switch (reply.kind) {
      case 'html':
        // The only HTML the console writes outside JSX: a constant doctype.
        return c.html(`<!DOCTYPE html>${reply.body}`, (reply.status ?? 200) as 200);
      case 'redirect':
        return c.redirect(reply.to, 303);
      case 'logged_in':
        setCookie(c, sessionCookie(ctx.secure), reply.token, { ...ctx.cookieOpts, maxAge: SESSION_IDLE_HOURS * 3600 });
        deleteCookie(c, 'ci_login', { path: '/login', secure: ctx.secure });
        return c.redirect(reply.to, 303);
      case 'logged_out':
        deleteCookie(c, sessionCookie(ctx.secure), { path: '/', secure: ctx.secure });
        return c.redirect('/login', 303);
      case 'not_found':
        return c.text('没有找到', 404);
      case 'asset':
        c.header('Cache-Control', 'public, max-age=3600');
        return c.body(new Uint8Array(reply.body), 200, { 'Content-Type': reply.contentType });
      case 'mail_frame':
        c.header('Content-Security-Policy', FRAME_CSP);
        c.header('X-Frame-Options', 'SAMEORIGIN');
        return c.html(reply.body);
      case 'download': {
        const name = safeFilename(reply.filename);
        c.header('Content-Security-Policy', "default-src 'none'; sandbox");
        return c.body(new Uint8Array(reply.body), 200, {
          'Content-Type': reply.contentType,
          'Content-Disposition': `attachment; filename="${name.ascii}"; filename*=UTF-8''${name.utf8}`,
        });
      }
    }
  }

  for (const route of ROUTES) hono.on(route.method, route.path, (c) => handle(route, c));
  hono.notFound((c) => c.text('没有找到', 404));
  hono.onError((err, c) => {
    app.log.error({ err, path: new URL(c.req.url).pathname }, 'console request failed');
    return c.text('服务器出错，请稍后再试', 500);
  });
  return hono;
}

export interface ConsoleOptions {
  host: string;
  port: number;
  /** Told when each request begins and ends (app.heap unless a test gives its own). */
  heap?: HeapWatch;
}

/** Serves the console until close(); binds WEB_HOST (loopback by default). */
export async function startConsole(app: App, opts: ConsoleOptions): Promise<ConsoleServer> {
  purgeSessions(app.db, new Date(app.clock().getTime() - 30 * 86_400_000));
  const hono = createConsoleHandler(app);
  const heap = opts.heap ?? app.heap;
  const server = serve({
    // A request under way (a slow download) holds the heap's compaction off until it is answered.
    fetch: async (req, env) => {
      const done = heap.begin();
      try {
        return await hono.fetch(req, env);
      } finally {
        done();
      }
    },
    hostname: opts.host, port: opts.port,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }),
  };
}
