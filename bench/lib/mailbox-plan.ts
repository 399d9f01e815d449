import { Rng } from '../../fixtures/scripts/eml/mime.ts';

/**
 * What the synthetic contest mailbox holds, message by message, before anything is rendered: kinds in the
 * contest's proportions, shuffled into a plausible arrival order, arrival times spread over the collection
 * period (before the deadline), video sizes drawn from the requested range. Deterministic for a given size.
 */

export type MailKind = 'registration' | 'summary' | 'robot' | 'video';

export interface PlannedMail {
  /** 0-based position in the mailbox (UID order). */
  index: number;
  kind: MailKind;
  /** INTERNALDATE, and the Date header. */
  date: Date;
  /** Bytes of the video attachment (kind 'video' only). */
  videoBytes: number;
  /** Rows of a unit summary (kind 'summary' only). */
  rows: number;
}

export interface PlanOptions {
  messages: number;
  /** Share of registrations that also carry a video, 0..0.8 (default 0.2). */
  videoShare: number;
  videoMinMb: number;
  videoMaxMb: number;
}

export const SUMMARY_SHARE = 0.1;
export const ROBOT_SHARE = 0.1;
const MB = 1024 * 1024;

export function planMailbox(o: PlanOptions): PlannedMail[] {
  const r = new Rng(`bench-mailbox:${o.messages}`);
  const summaries = Math.round(o.messages * SUMMARY_SHARE);
  const robots = Math.round(o.messages * ROBOT_SHARE);
  const videos = Math.min(o.messages - summaries - robots, Math.round(o.messages * o.videoShare));
  const kinds: MailKind[] = [
    ...Array<MailKind>(summaries).fill('summary'),
    ...Array<MailKind>(robots).fill('robot'),
    ...Array<MailKind>(videos).fill('video'),
  ];
  while (kinds.length < o.messages) kinds.push('registration');
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const start = Date.parse('2024-05-06T01:00:00Z');
  const end = Date.parse('2024-09-20T09:00:00Z');
  const step = (end - start) / Math.max(1, o.messages);
  return kinds.map((kind, index) => ({
    index,
    kind,
    date: new Date(Math.round(start + index * step + r.int(0, Math.max(0, Math.floor(step / 2))))),
    videoBytes: kind === 'video' ? Math.round((o.videoMinMb + r.next() * (o.videoMaxMb - o.videoMinMb)) * MB) : 0,
    rows: kind === 'summary' ? r.int(5, 15) : 0,
  }));
}

/** Bytes on disk (base64 grows a video by 4/3 plus line ends), for the disk check before anything is written. */
export function estimateMailboxBytes(plan: readonly PlannedMail[]): number {
  return plan.reduce((sum, m) => sum + (m.kind === 'video' ? Math.ceil(m.videoBytes * 78 / 57) + 30_000 : 25_000), 0);
}
