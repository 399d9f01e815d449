/**
 * The one HTTP request of the service: ask Douyin's short-link redirector where a short link points, without
 * following it (its Location names the work), without cookies (fetch keeps none), within a time limit.
 */

export type RedirectAnswer =
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'no_redirect'; status: number }
  | { kind: 'failed'; detail: string };

// What a phone's browser sends: the redirector answers every client alike, and this one says so.
const HEADERS = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) contest-intake', accept: 'text/html' };

export async function askRedirect(url: string, timeoutMs: number): Promise<RedirectAnswer> {
  try {
    const res = await fetch(url, { method: 'GET', redirect: 'manual', headers: HEADERS, signal: AbortSignal.timeout(timeoutMs) });
    // The page itself is never read.
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) return { kind: 'redirect', status: res.status, location: new URL(location, url).href };
    return { kind: 'no_redirect', status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { kind: 'failed', detail: `${e.name}: ${e.cause?.code ?? e.message}`.slice(0, 200) };
  }
}
