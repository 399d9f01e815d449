import net from 'node:net';
import tls from 'node:tls';

/** A port the kernel just had free on 127.0.0.1. Racy by nature: callers retry when the bind fails. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves with the first line once the server greets with `* OK`; retries connecting until the deadline. */
export async function waitForGreeting(host: string, port: number, timeoutMs: number, secure = false): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no connection';
  while (Date.now() < deadline) {
    try {
      const line = await readFirstLine(host, port, secure, Math.max(500, deadline - Date.now()));
      if (/^\* OK/i.test(line)) return line;
      last = `unexpected greeting: ${line}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no IMAP greeting on ${host}:${port} within ${timeoutMs} ms (${last})`);
}

function readFirstLine(host: string, port: number, secure: boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = secure ? tls.connect({ host, port, rejectUnauthorized: false }) : net.connect({ host, port });
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('greeting timeout')); }, timeoutMs);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        clearTimeout(timer);
        sock.end('x LOGOUT\r\n');
        sock.destroy();
        resolve(buf.slice(0, i));
      }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => { clearTimeout(timer); reject(new Error('closed before greeting')); });
  });
}
