import type { App } from '../app.ts';
import type { Role, SessionRow } from '../store/users-repo.ts';

/** The console's routes as plain data and functions: no framework type here (http-adapter.ts is the only hono importer). */

export interface ConsoleRequest {
  method: 'GET' | 'POST';
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The urlencoded form of a POST (first value of each field). */
  form: Record<string, string>;
  session: SessionRow | null;
  /** The token this request's forms must carry: the session's, or (before login) the login form's own. */
  csrf: string;
  now: Date;
}

export type Reply =
  | { kind: 'html'; status?: number; body: string }
  | { kind: 'redirect'; to: string }
  /** A download: always Content-Disposition attachment, nosniff. */
  | { kind: 'download'; body: Buffer; contentType: string; filename: string }
  /** A mail's own HTML, for the sandboxed frame only (its own strict CSP). */
  | { kind: 'mail_frame'; body: string }
  | { kind: 'not_found' }
  /** Our own stylesheet and script (public: the login page needs them; they hold no data). */
  | { kind: 'asset'; body: Buffer; contentType: string }
  | { kind: 'logged_in'; token: string; to: string }
  | { kind: 'logged_out' };

export type Access = 'public' | Role;

export interface Route {
  method: 'GET' | 'POST';
  /** Hono's path syntax; numeric parameters are constrained (`:id{[0-9]+}`), so nothing else reaches a handler. */
  path: string;
  /** Who may use it: public (the login page and static files only), or the least role. */
  access: Access;
  handle(req: ConsoleRequest, app: App): Reply | Promise<Reply>;
}
