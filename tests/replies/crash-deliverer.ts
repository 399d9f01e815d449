/**
 * Run as a child process by delivery.test.ts: delivers the outbox of DATA_DIR through the SMTP sink and is
 * killed (SIGKILL, no cleanup) the moment the server has accepted the first mail, before 'sent' is recorded.
 */
import { silentLogger } from '../../src/logger.ts';
import { deliverOutbox } from '../../src/replies/deliver-outbox.ts';
import { createMailer } from '../../src/transport/mailer.ts';
import { openDatabase } from '../../src/store/db.ts';

const [dataDir, host, port, user, pass, nowIso] = process.argv.slice(2) as [string, string, string, string, string, string];
const db = openDatabase(dataDir);
const real = createMailer({ host, port: Number(port), tls: 'none', user, pass }, dataDir);
const mailer = {
  ...real,
  async send(raw: Buffer, envelope: { from: string; to: string[] }, ref: { id: number }) {
    const result = await real.send(raw, envelope, ref);
    process.kill(process.pid, 'SIGKILL');
    return result;
  },
};
await deliverOutbox({ db, mailer, from: { name: 'contest', address: 'bisaihuodong@126.com' }, log: silentLogger() }, () => new Date(nowIso), { spacingMs: 0 });
