import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeSection, decodeTransfer, sectionsOf, type SectionInfo } from '../../src/mailbox/fetch-sections.ts';
import { planParts, planLimitsFor } from '../../src/mailbox/message-parts.ts';

const info = (over: Partial<SectionInfo>): SectionInfo => ({ key: '2', type: 'application/octet-stream', encoding: 'base64', charset: null, disposition: 'attachment', flowed: false, delSp: false, ...over });

describe('tolerant transfer decoding (what BODY.PEEK gives when the server will not decode)', () => {
  it('base64 cut short or with garbage gives the bytes that were there', () => {
    const whole = Buffer.from('PK\u0003\u0004 a registration form, in full', 'latin1');
    const b64 = whole.toString('base64');
    expect(decodeTransfer(Buffer.from(`${b64.slice(0, 20)}\r\n!!@@${b64.slice(20)}\r\n`), 'base64')).toEqual(whole);
    expect(decodeTransfer(Buffer.from(b64.slice(0, 17)), 'base64')).toEqual(whole.subarray(0, 12));
  });

  it('quoted-printable keeps a broken escape instead of failing', () => {
    expect(decodeTransfer(Buffer.from('caf=C3=A9 =ZZ soft=\r\nbreak ='), 'quoted-printable').toString('utf8')).toBe('café =ZZ softbreak ');
  });

  it('a GBK text body becomes UTF-8; an unknown charset stays as it came', () => {
    const gbk = iconv.encode('姓名：陈晓东', 'gbk');
    expect(decodeSection(Buffer.from(gbk.toString('base64')), info({ type: 'text/plain', charset: 'gbk', disposition: null }), false).toString('utf8')).toBe('姓名：陈晓东');
    expect(decodeSection(gbk, info({ type: 'text/plain', charset: 'x-klingon', disposition: null, encoding: '8bit' }), false)).toEqual(gbk);
  });

  it('a part the server decoded (BINARY) is not decoded again', () => {
    expect(decodeSection(Buffer.from('QUJD'), info({}), true).toString()).toBe('QUJD');
    expect(decodeSection(Buffer.from('QUJD'), info({}), false).toString()).toBe('ABC');
  });

  it('names the sections of the planned parts; a single-part body is TEXT', () => {
    const limits = planLimitsFor(25 * 1024 * 1024);
    const single = { type: 'text/plain', parameters: { charset: 'gbk' }, encoding: 'base64', size: 100 };
    const plan = planParts(single, limits);
    expect(sectionsOf(single, plan)?.get('1')).toMatchObject({ key: 'TEXT', charset: 'gbk' });
    const multi = { type: 'multipart/mixed', childNodes: [
      { part: '1', type: 'text/plain', encoding: 'quoted-printable', size: 10 },
      { part: '2', type: 'application/msword', disposition: 'attachment', dispositionParameters: { filename: '登记表.doc' }, encoding: 'base64', size: 100 },
    ] };
    const sections = sectionsOf(multi, planParts(multi, limits));
    expect([...sections!.values()].map((s) => s.key)).toEqual(['1', '2']);
  });
});

describe('a forwarded mail in base64 under BINARY', () => {
  const mail = Buffer.from('From: a@qq.com\r\nSubject: 最美in温州+作品+陈晓东\r\n\r\nhello', 'utf8');
  const rfc822 = info({ type: 'message/rfc822', encoding: 'base64', disposition: 'attachment' });
  it('is decoded here when the server handed back its base64 as "decoded" (Dovecot)', () => {
    expect(decodeSection(Buffer.from(mail.toString('base64').replace(/(.{76})/g, '$1\r\n')), rfc822, true)).toEqual(mail);
  });
  it('is left as it is when the server really decoded it', () => {
    expect(decodeSection(mail, rfc822, true)).toEqual(mail);
  });
});
