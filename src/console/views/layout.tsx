import type { Child } from 'hono/jsx';
import type { Role } from '../../store/users-repo.ts';

/** The frame of every page: navigation, who is logged in, the logout form (POST with the session's token). */

export interface Viewer {
  name: string;
  role: Role;
  csrf: string;
}

const NAV = [
  ['/', '总览'], ['/works', '作品'], ['/units', '单位'], ['/mail', '邮件'], ['/replies', '回复'],
] as const;

const ROLE_NAMES: Record<Role, string> = { viewer: '只读', organizer: '组织者', admin: '管理员' };

export function CsrfField(props: { viewer: Viewer }) {
  return <input type="hidden" name="_csrf" value={props.viewer.csrf} />;
}

export function Layout(props: { title: string; viewer: Viewer | null; active?: string; notice?: string | null; error?: string | null; children?: Child }) {
  const v = props.viewer;
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{props.title} · 作品征集后台</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/console.js" defer></script>
      </head>
      <body>
        <header class="top">
          <span class="brand">“最美 in 温州”作品征集后台</span>
          {v && (
            <nav>
              {NAV.map(([href, label]) => <a href={href} class={props.active === href ? 'on' : undefined}>{label}</a>)}
              {v.role === 'admin' && <a href="/users" class={props.active === '/users' ? 'on' : undefined}>用户</a>}
            </nav>
          )}
          {v && (
            <form method="post" action="/logout">
              <CsrfField viewer={v} />
              <span class="muted">{v.name}（{ROLE_NAMES[v.role]}）</span> <button type="submit">退出</button>
            </form>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.notice && <p class="notice" role="status">{props.notice}</p>}
          {props.error && <p class="error-box" role="alert">{props.error}</p>}
          {props.children}
        </main>
      </body>
    </html>
  );
}
