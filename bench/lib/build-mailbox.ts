import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppendConnection, type AppendTarget } from './imap-append.ts';
import type { PlannedMail } from './mailbox-plan.ts';
import { renderMail, type RenderContext, type RenderedMail } from './render-mail.ts';

/**
 * Renders the planned messages and APPENDs them, in order, into a mailbox. The next message is rendered while the
 * current one streams to the server; a video message exists only as one spool file at a time (two at most), so
 * memory and disk stay small whatever the mailbox weighs. The form documents are written to `formsDir` as they go.
 */

export interface BuiltMessage {
  index: number;
  uid: number;
  kind: PlannedMail['kind'];
  size: number;
  videoBytes: number;
  form: string | null;
}

export interface BuildReport {
  messages: BuiltMessage[];
  bytes: number;
  seconds: number;
}

export async function buildMailbox(
  target: AppendTarget, mailbox: string, plan: readonly PlannedMail[], ctx: RenderContext, formsDir: string,
  onProgress?: (done: number, bytes: number) => void,
): Promise<BuildReport> {
  mkdirSync(formsDir, { recursive: true });
  mkdirSync(ctx.spoolDir, { recursive: true });
  const conn = await AppendConnection.open(target);
  const started = performance.now();
  const built: BuiltMessage[] = [];
  const inFlight: Promise<unknown>[] = [];
  let bytes = 0;
  let next: Promise<RenderedMail> | null = plan.length ? renderMail(plan[0]!, ctx) : null;
  try {
    for (let i = 0; i < plan.length; i++) {
      const mail = await next!;
      // Render the next one while this one travels (a video costs as much to make as to store).
      next = i + 1 < plan.length ? renderMail(plan[i + 1]!, ctx) : null;
      next?.catch(() => undefined);
      let form: string | null = null;
      if (mail.form) {
        form = path.join(formsDir, `${String(mail.index).padStart(6, '0')}.${mail.form.ext}`);
        writeFileSync(form, mail.form.bytes);
      }
      const { sent, stored } = conn.append(mailbox, mail.raw ? { raw: mail.raw } : { file: mail.file! }, mail.size, mail.date);
      const entry: BuiltMessage = { index: mail.index, uid: 0, kind: mail.kind, size: mail.size, videoBytes: plan[i]!.videoBytes, form };
      built.push(entry);
      bytes += mail.size;
      const done = stored.then((uid) => {
        entry.uid = uid;
        if (mail.file) rmSync(mail.file, { force: true });
      });
      inFlight.push(done);
      await sent;
      // A video is waited for before the next one is written: one spool file on disk, not a queue of them.
      if (mail.file || inFlight.length >= 16) {
        await Promise.all(inFlight.splice(0));
      }
      onProgress?.(i + 1, bytes);
    }
    await Promise.all(inFlight);
  } finally {
    await conn.close();
  }
  return { messages: built, bytes, seconds: (performance.now() - started) / 1000 };
}
