import { afterAll, describe, expect, it } from 'vitest';
import { extractMessage } from '../../src/extract/extract-message.ts';
import { closeParsePool } from '../../src/extract/worker-pool.ts';
import type { MessageAttachment } from '../../src/mailbox/incoming-message.ts';
import { attachment, contest, message } from '../extract/helpers.ts';

afterAll(closeParsePool);

/** Outlook's winmail.dat is never downloaded (nothing here opens TNEF); without a form beside it, it is named. */
const winmail: MessageAttachment = { partId: '2', filename: 'winmail.dat', contentType: 'application/ms-tnef', size: 4_000, inline: false, content: null, skipped: 'not_a_form' };

describe('winmail.dat (TNEF)', () => {
  it('alone: the sender is told how to make Outlook send the form itself, not "no form found"', async () => {
    const result = await extractMessage(message({ attachments: [winmail] }), { contest });
    expect(result.problems.map((p) => [p.code, p.detail])).toEqual([['unsupported_format', 'tnef']]);
    expect(result.problems[0]!.message).toContain('winmail.dat');
    expect(result.manualReview).toEqual([]);
  });

  it('next to a form that was read: only Outlook formatting, nothing to say', async () => {
    const result = await extractMessage(message({ attachments: [{ ...winmail, partId: '3' }, attachment('reg-word-4col.docx')] }), { contest });
    expect(result.problems).toEqual([]);
    expect(result.forms).toHaveLength(1);
  });
});
