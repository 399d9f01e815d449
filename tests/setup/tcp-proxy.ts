import net from 'node:net';
import { caseSeed, Rng } from '../../fixtures/scripts/hostile/kit.ts';

/**
 * A loopback TCP proxy put between the service and a real server (Dovecot, the SMTP sink), for two reasons:
 * - to MEASURE: bytes in each direction (server→client is what "the video was not downloaded" and the benchmark
 *   assert; a client cannot be trusted to report what it read);
 * - to BREAK things the way networks do, switchable at run time: refuse new connections, reset a connection after N
 *   bytes from the server (mid-transfer), stall (accept, never forward).
 * And one IMAP-aware mode: NetEase refuses SELECT/EXAMINE with "Unsafe Login" until the client sent ID on that
 * connection, which Dovecot cannot imitate. The proxy reads the client's command lines (skipping literals) to do it.
 */

/**
 * A seeded schedule of faults, one drawn per new connection: refused at once, cut (RST) after a random number of
 * bytes from the server (so mostly inside a FETCH answer), stalled after a random number of bytes (the client's time
 * box must end it), or left alone. The same seed gives the same schedule for the same sequence of connections.
 */
export interface ChaosPlan {
  seed: number;
  /** Probabilities per connection; the rest passes untouched. */
  refuse: number;
  reset: number;
  stall: number;
  /** Cuts and stalls happen after 0 … maxBytes bytes from the server. */
  maxBytes: number;
}

export type ProxyMode = 'pass' | 'refuse' | 'stall' | 'netease' | { resetAfterServerBytes: number } | { chaos: ChaosPlan };

export interface ProxyOptions {
  targetHost: string;
  targetPort: number;
  mode?: ProxyMode;
  /** Keep the NetEase SELECT guard on whatever the mode ('netease' mode is 'pass' with this on). */
  netease?: boolean;
  /**
   * Sees each command line the client sends (literals skipped); 'reset' cuts the connection before the server gets
   * it: a server that dies on one particular request, as Dovecot does on BINARY of a broken part.
   */
  onCommand?: (line: string) => 'pass' | 'reset';
}

export interface ProxyStats {
  connections: number;
  clientToServer: number;
  serverToClient: number;
  /** Connections cut by the reset mode or resetAll(). */
  resets: number;
  /** SELECT/EXAMINE answered "Unsafe Login" by the NetEase guard. */
  refusedSelects: number;
  /** Faults the chaos schedule and the command hook injected, by kind. */
  faults: { refused: number; reset: number; stalled: number; command: number };
}

export interface TcpProxy {
  host: string;
  port: number;
  readonly mode: ProxyMode;
  stats: ProxyStats;
  /** Switch behaviour; applies to open connections too (stall pauses them, reset counts from the switch). */
  setMode(mode: ProxyMode): Promise<void>;
  resetStats(): void;
  /** RST every open connection now. */
  resetAll(): void;
  openConnections(): number;
  stop(): Promise<void>;
}

export const UNSAFE_LOGIN = 'NO SELECT Unsafe Login. Please contact kefu@188.com for help';

interface Conn { client: net.Socket; upstream: net.Socket | null; serverBytes: number; resetBase: number; fault: ChaosFault | null }

type ChaosFault = { kind: 'reset' | 'stall'; afterBytes: number };


export async function startProxy(opts: ProxyOptions): Promise<TcpProxy> {
  let mode: ProxyMode = opts.mode ?? 'pass';
  const stats: ProxyStats = { connections: 0, clientToServer: 0, serverToClient: 0, resets: 0, refusedSelects: 0, faults: { refused: 0, reset: 0, stalled: 0, command: 0 } };
  let chaosRandom: (() => number) | null = null;
  const armChaos = (m: ProxyMode) => { if (typeof m === 'object' && 'chaos' in m) { const rng = new Rng(caseSeed(m.chaos.seed, 0)); chaosRandom = () => rng.next(); } else chaosRandom = null; };
  armChaos(mode);
  /** The fault a new connection gets under the chaos schedule ('refuse', a cut or stall, or none). */
  const drawFault = (): ChaosFault | 'refuse' | null => {
    if (!chaosRandom || typeof mode !== 'object' || !('chaos' in mode)) return null;
    const plan = mode.chaos;
    const r = chaosRandom();
    const afterBytes = Math.floor(chaosRandom() * plan.maxBytes);
    if (r < plan.refuse) return 'refuse';
    if (r < plan.refuse + plan.reset) return { kind: 'reset', afterBytes };
    if (r < plan.refuse + plan.reset + plan.stall) return { kind: 'stall', afterBytes };
    return null;
  };
  const conns = new Set<Conn>();
  const guarded = () => opts.netease === true || mode === 'netease';
  const stalled = () => mode === 'stall';
  let listener: net.Server | null = null;
  let port = 0;

  const cut = (c: Conn) => {
    stats.resets++;
    c.client.resetAndDestroy();
    c.upstream?.destroy();
  };

  const onClient = (client: net.Socket) => {
    stats.connections++;
    const drawn = drawFault();
    const c: Conn = { client, upstream: null, serverBytes: 0, resetBase: 0, fault: drawn === 'refuse' ? null : drawn };
    conns.add(c);
    client.on('error', () => {});
    client.on('close', () => { conns.delete(c); c.upstream?.destroy(); });
    if (drawn === 'refuse') {
      stats.faults.refused++;
      client.resetAndDestroy();
      return;
    }
    // A new connection while stalled is held open and never forwarded: the client waits for a greeting that never comes.
    if (stalled()) return;
    const upstream = net.connect(opts.targetPort, opts.targetHost);
    c.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    const guard = guarded() || opts.onCommand ? new NeteaseGuard({ refuseSelectBeforeId: guarded(), ...(opts.onCommand ? { onCommand: opts.onCommand } : {}) }) : null;

    upstream.on('data', (d: Buffer) => {
      if (c.fault) {
        const left = c.fault.afterBytes - c.serverBytes;
        if (d.length >= left) {
          const part = d.subarray(0, Math.max(0, left));
          stats.serverToClient += part.length;
          c.serverBytes += part.length;
          upstream.pause();
          if (c.fault.kind === 'reset') {
            stats.faults.reset++;
            c.fault = null;
            client.write(part, () => cut(c));
          } else {
            // Stalled for good: nothing more from the server, the connection stays open until the client gives up.
            stats.faults.stalled++;
            c.fault = null;
            client.write(part);
            upstream.removeAllListeners('data');
          }
          return;
        }
      }
      if (typeof mode === 'object' && 'resetAfterServerBytes' in mode) {
        const left = mode.resetAfterServerBytes - (c.serverBytes - c.resetBase);
        if (d.length >= left) {
          const part = d.subarray(0, Math.max(0, left));
          stats.serverToClient += part.length;
          c.serverBytes += part.length;
          // Let the allowed bytes reach the client before the RST, or the kernel may drop them.
          upstream.pause();
          client.write(part, () => cut(c));
          return;
        }
      }
      stats.serverToClient += d.length;
      c.serverBytes += d.length;
      if (!client.write(d)) upstream.pause();
    });
    client.on('drain', () => { if (!stalled()) upstream.resume(); });
    upstream.on('drain', () => { if (!stalled()) client.resume(); });
    client.on('data', (d: Buffer) => {
      stats.clientToServer += d.length;
      if (!guard) {
        if (!upstream.write(d)) client.pause();
        return;
      }
      const { forward, replies, reset } = guard.feed(d);
      if (reset) {
        stats.faults.command++;
        cut(c);
        return;
      }
      for (const r of replies) {
        stats.refusedSelects++;
        client.write(r);
      }
      if (forward.length && !upstream.write(Buffer.concat(forward))) client.pause();
    });
  };

  const listen = (onPort: number) => new Promise<void>((resolve, reject) => {
    const srv = net.createServer(onClient);
    srv.once('error', reject);
    srv.listen(onPort, '127.0.0.1', () => {
      listener = srv;
      port = (srv.address() as net.AddressInfo).port;
      resolve();
    });
  });
  // Refusing means nothing listens (ECONNREFUSED), as when the server is down; open connections carry on.
  const unlisten = () => new Promise<void>((resolve) => {
    const srv = listener;
    listener = null;
    if (!srv) return resolve();
    srv.close(() => resolve());
    // close() waits for open connections; we only need the listening socket gone.
    setImmediate(resolve);
  });

  await listen(0);
  if (mode === 'refuse') await unlisten();

  return {
    host: '127.0.0.1',
    get port() { return port; },
    get mode() { return mode; },
    stats,
    async setMode(next) {
      const wasStalled = stalled();
      mode = next;
      armChaos(next);
      if (next === 'refuse') await unlisten();
      else if (!listener) await listen(port);
      for (const c of conns) {
        if (typeof next === 'object' && 'resetAfterServerBytes' in next) c.resetBase = c.serverBytes;
        if (stalled()) { c.client.pause(); c.upstream?.pause(); }
        else if (wasStalled) { c.client.resume(); c.upstream?.resume(); }
      }
    },
    resetStats() { Object.assign(stats, { connections: 0, clientToServer: 0, serverToClient: 0, resets: 0, refusedSelects: 0, faults: { refused: 0, reset: 0, stalled: 0, command: 0 } }); },
    resetAll() { for (const c of conns) cut(c); },
    openConnections: () => conns.size,
    async stop() {
      for (const c of conns) { c.client.destroy(); c.upstream?.destroy(); }
      await unlisten();
    },
  };
}

/**
 * Reads the client's side of an IMAP session: `tag COMMAND args\r\n`, where a line ending in {N} or {N+} is followed
 * by N bytes of literal (an APPENDed message, a quoted name) that must pass untouched and never be read as commands.
 */
export class NeteaseGuard {
  private sawId = false;
  private buf: Buffer = Buffer.alloc(0);
  private literal = 0;
  private dropLiteral = false;

  constructor(private readonly opts: { refuseSelectBeforeId?: boolean; onCommand?: (line: string) => 'pass' | 'reset' } = { refuseSelectBeforeId: true }) {}

  feed(chunk: Buffer): { forward: Buffer[]; replies: string[]; reset?: boolean } {
    const forward: Buffer[] = [];
    const replies: string[] = [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length) {
      if (this.literal > 0) {
        const n = Math.min(this.literal, this.buf.length);
        if (!this.dropLiteral) forward.push(this.buf.subarray(0, n));
        this.literal -= n;
        this.buf = this.buf.subarray(n);
        continue;
      }
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) break;
      const line = this.buf.subarray(0, eol + 2);
      this.buf = this.buf.subarray(eol + 2);
      const text = line.toString('latin1');
      const lit = /\{(\d+)(\+?)\}\r\n$/.exec(text);
      this.literal = lit ? Number(lit[1]) : 0;
      this.dropLiteral = false;
      const [tag, command] = text.trimEnd().split(' ');
      const cmd = (command ?? '').toUpperCase();
      if (cmd === 'ID') this.sawId = true;
      if (this.opts.onCommand?.(text.trimEnd()) === 'reset') return { forward, replies, reset: true };
      if ((cmd === 'SELECT' || cmd === 'EXAMINE') && !this.sawId && this.opts.refuseSelectBeforeId !== false) {
        replies.push(`${tag} ${UNSAFE_LOGIN}\r\n`);
        // A synchronizing literal is never sent after our NO; a LITERAL+ one is, and must be swallowed.
        if (lit && lit[2] !== '+') this.literal = 0;
        this.dropLiteral = true;
        continue;
      }
      forward.push(line);
    }
    return { forward, replies };
  }
}
