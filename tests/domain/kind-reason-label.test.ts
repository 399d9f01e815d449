import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindReasonLabel } from '../../src/domain/state-labels.ts';
import { importFiles } from '../../src/pipeline/import-files.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = makeTestApp();
  await importFiles(path.resolve('fixtures/demo-mailbox'), app.deps, app.clock, app.limits);
}, 120_000);
afterAll(() => app?.dispose());

describe('why a mail was sorted, in Chinese', () => {
  it('every reason the demo mailbox gets (registrations, summaries, spam, auto-replies, bounces, a list) reads in Chinese on the mail page', () => {
    const reasons = (app.db.prepare('SELECT DISTINCT kind_reason AS r FROM messages WHERE kind_reason IS NOT NULL').all() as { r: string }[]).map((x) => x.r);
    expect(reasons.length).toBeGreaterThan(4);
    for (const r of reasons) {
      const shown = kindReasonLabel(r);
      expect(shown, r).not.toBe(r);
      expect(shown, r).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('keeps the header value a reason names, and shows an unknown reason as it is', () => {
    expect(kindReasonLabel('Auto-Submitted: auto-replied')).toBe('自动邮件（Auto-Submitted: auto-replied）');
    expect(kindReasonLabel('Precedence: bulk')).toBe('群发邮件（Precedence: bulk）');
    expect(kindReasonLabel('list-unsubscribe header')).toBe('邮件列表（list-unsubscribe）');
    expect(kindReasonLabel('robot sender mailer-daemon')).toBe('系统发件人（mailer-daemon）');
    expect(kindReasonLabel('something new')).toBe('something new');
  });
});
