import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';

/**
 * A minimal IMAP client that only LOGINs and APPENDs, streaming each message as a literal straight from memory
 * or from a file: the harness's appendMessage takes a Buffer, and 200 video mails of ~55 MB must never be held
 * in memory. APPENDs are pipelined (LITERAL+, no round trip per message), at most `window` in flight.
 */

export interface AppendTarget {
  host: string;
  port: number;
  user: string;
  pass: string;
}

interface Pending { resolve: (uid: number) => void; reject: (err: Error) => void }

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMAP date-time in China time: "06-May-2024 09:00:00 +0800". */
export function imapDate(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.getUTCDate())}-${MONTHS[t.getUTCMonth()]}-${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} +0800`;
}

export class AppendConnection {
  private buf = '';
  private tag = 0;
  private readonly pending = new Map<string, Pending>();
  private continuation: (() => void) | null = null;
  /** Writes go one after another: a streamed literal must not be interleaved with the next command. */
  private writing: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private literalPlus = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    const fail = (err: Error) => {
      this.failed ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('IMAP connection closed')));
  }

  static async open(t: AppendTarget): Promise<AppendConnection> {
    const socket = net.connect(t.port, t.host);
    await once(socket, 'connect');
    const c = new AppendConnection(socket);
    const caps = await c.command('CAPABILITY');
    c.literalPlus = /LITERAL\+/i.test(caps);
    await c.command(`LOGIN "${t.user}" "${t.pass}"`);
    return c;
  }

  private lastUntagged = '';

  private onData(s: string): void {
    this.buf += s;
    let eol: number;
    while ((eol = this.buf.indexOf('\r\n')) >= 0) {
      const line = this.buf.slice(0, eol);
      this.buf = this.buf.slice(eol + 2);
      if (line.startsWith('+')) { this.continuation?.(); this.continuation = null; continue; }
      if (line.startsWith('* ')) { this.lastUntagged = line; continue; }
      const [tag, status] = line.split(' ');
      const p = tag ? this.pending.get(tag) : undefined;
      if (!p) continue;
      this.pending.delete(tag!);
      if (status === 'OK') p.resolve(Number(/APPENDUID \d+ (\d+)/.exec(line)?.[1] ?? 0));
      else p.reject(new Error(`IMAP: ${line.slice(0, 300)}`));
    }
  }

  private expect(): { tag: string; done: Promise<number> } {
    const tag = `b${++this.tag}`;
    const done = new Promise<number>((resolve, reject) => this.pending.set(tag, { resolve, reject }));
    return { tag, done };
  }

  private async write(data: Buffer | string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.socket.write(data)) await once(this.socket, 'drain');
  }

  private async command(text: string): Promise<string> {
    const { tag, done } = this.expect();
    await this.write(`${tag} ${text}\r\n`);
    await done;
    return this.lastUntagged;
  }

  /**
   * Queues one APPEND; resolves with the UID when the server has stored it. The returned promise of the queueing
   * itself (`sent`) resolves once the bytes are handed to the socket, so callers can bound what is in flight.
   */
  append(mailbox: string, source: { raw: Buffer } | { file: string }, size: number, date: Date): { sent: Promise<void>; stored: Promise<number> } {
    const { tag, done } = this.expect();
    const sent = this.writing.then(async () => {
      await this.write(`${tag} APPEND "${mailbox}" "${imapDate(date)}" {${size}${this.literalPlus ? '+' : ''}}\r\n`);
      if (!this.literalPlus) await new Promise<void>((resolve) => { this.continuation = resolve; });
      if ('raw' in source) {
        await this.write(source.raw);
      } else {
        let written = 0;
        for await (const chunk of createReadStream(source.file, { highWaterMark: 1024 * 1024 })) {
          written += (chunk as Buffer).length;
          await this.write(chunk as Buffer);
        }
        if (written !== size) throw new Error(`${source.file}: ${written} bytes, announced ${size}`);
      }
      await this.write('\r\n');
    });
    this.writing = sent.catch(() => undefined);
    done.catch(() => undefined);
    return { sent, stored: done };
  }

  async create(name: string): Promise<void> {
    await this.command(`CREATE "${name}"`);
  }

  async copyAll(from: string, to: string, range: string): Promise<void> {
    await this.command(`SELECT "${from}"`);
    await this.command(`CREATE "${to}"`).catch(() => undefined);
    await this.command(`UID COPY ${range} "${to}"`);
    await this.command('CLOSE');
  }

  async close(): Promise<void> {
    await this.command('LOGOUT').catch(() => undefined);
    this.socket.destroy();
  }
}
