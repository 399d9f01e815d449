import type { App } from '../app.ts';
import { deliverOutbox, type DeliverDeps, type DeliveryReport } from '../replies/deliver-outbox.ts';

export function deliverDeps(app: App): DeliverDeps {
  return { db: app.db, mailer: app.mailer, from: { name: app.config.contest.name, address: app.config.mailFrom }, log: app.log.child({ module: 'outbox' }) };
}

/** Sends (or, with no SMTP, writes as .eml files) what the outbox holds; called after every poll. */
export async function deliverPending(app: App): Promise<DeliveryReport> {
  const report = await deliverOutbox(deliverDeps(app), app.clock);
  if (report.stoppedBy === 'smtp_auth') app.log.error('SMTP login refused: check SMTP_USER and SMTP_PASS (the 授权码); replies wait in the outbox');
  return report;
}
