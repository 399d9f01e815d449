import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';
import { parseHeaders, splitHeaderBlock } from '../../src/mailbox/parse-headers.ts';
import { replyRecipient } from '../../src/replies/reply-message.ts';

/** parse-headers.ts against header blocks a stranger can send: bounded, never throwing, not fooled by labels. */

const GOOD = [
  'From: =?UTF-8?B?6ZmI5pmT5Lic?= <chenxd@126.com>',
  'To: bisaihuodong@126.com',
  'Subject: =?UTF-8?B?5pyA576OaW7muKnlt54r5LqU6ams6KGX55qE5riF5pmoK+mZiOaZk+S4nA==?=',
  'Message-ID: <a1@126.com>',
  'Date: Mon, 10 Jun 2024 10:00:00 +0800',
];
const block = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');

describe('header blocks from hostile senders', () => {
  it('a megabyte header line before From and Subject: both are still read, in well under a second', async () => {
    const started = Date.now();
    const h = await parseHeaders(block([`X-Junk: ${'a'.repeat(1024 * 1024)}`, ...GOOD]));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(h.subject).toBe('最美in温州+五马街的清晨+陈晓东');
    expect(h.from).toEqual({ address: 'chenxd@126.com', name: '陈晓东' });
    expect(h.raw.get('x-junk')?.[0]?.length).toBeLessThanOrEqual(16 * 1024);
  });

  it('thirty thousand headers before From and Subject: read, and the raw map stays bounded', async () => {
    const junk = Array.from({ length: 30_000 }, (_, i) => `X-Spam-${i}: ${i}`);
    const h = await parseHeaders(block([...junk, ...GOOD]));
    expect(h.subject).toBe('最美in温州+五马街的清晨+陈晓东');
    expect(h.from?.address).toBe('chenxd@126.com');
    expect(h.raw.size).toBeLessThanOrEqual(520);
  });

  it('a subject labelled UTF-8 that is GBK is read as GBK; an unknown charset label is read by its bytes', async () => {
    const gbk = iconv.encode('最美in温州+瓯江夜色+林巧巧', 'gbk').toString('base64');
    expect((await parseHeaders(block([`Subject: =?UTF-8?B?${gbk}?=`]))).subject).toBe('最美in温州+瓯江夜色+林巧巧');
    const utf8 = Buffer.from('最美in温州+雁荡秋色+王志明').toString('base64');
    expect((await parseHeaders(block([`Subject: =?x-klingon?B?${utf8}?=`]))).subject).toBe('最美in温州+雁荡秋色+王志明');
  });

  it('a subject is capped at 2,000 characters', async () => {
    const h = await parseHeaders(block([`Subject: 最美in温州+${'长'.repeat(5_000)}+张三`]));
    expect(h.subject.length).toBe(2_000);
  });

  it('a Reply-To with several addresses, or a group, is kept whole and refused as a reply recipient', async () => {
    for (const value of ['chenxd@126.com, victim@evil.example', 'undisclosed: victim@evil.example, v2@evil.example;']) {
      const h = await parseHeaders(block([...GOOD, `Reply-To: ${value}`]));
      expect(h.replyTo?.address).toContain(',');
      expect(replyRecipient({ from: h.from!.address, replyTo: h.replyTo!.address })).toEqual({ ok: false, reason: 'invalid_address' });
    }
    const one = await parseHeaders(block([...GOOD, 'Reply-To: "victim@evil.example" <chenxd@126.com>']));
    expect(replyRecipient({ from: one.from!.address, replyTo: one.replyTo!.address })).toEqual({ ok: true, address: 'chenxd@126.com' });
  });

  it('random bytes, NULs and bare CRs never make it throw', async () => {
    const rng = new Rng(7);
    for (let i = 0; i < 20; i++) {
      const raw = Buffer.concat([Buffer.from('Subject: x\r'), rng.bytes(rng.int(0, 50_000)), Buffer.from('\0\r\r\n\n')]);
      const h = await parseHeaders(splitHeaderBlock(raw));
      expect(typeof h.subject).toBe('string');
    }
  });
});
