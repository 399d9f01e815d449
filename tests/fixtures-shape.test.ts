import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';

/**
 * The fixture mails must be what they claim: each parses, its subject decodes to the intended Chinese, its
 * attachments' names decode, and it carries the fingerprint of the client (or robot) that supposedly wrote it.
 * The expectations come from cases.json (written by fixtures/scripts/make-eml.ts) and, for the encodings the corpus
 * exists to cover, from the literal table below.
 */

interface CaseEntry {
  file: string;
  fingerprint: string;
  kind: string;
  subject: string;
  date: string;
  documents: { document: string; filename: string; source: string }[];
  form: { name: string; title: string; phone: string } | null;
  summary: { unit: string } | null;
}

const root = path.resolve(import.meta.dirname, '..', 'fixtures');
const sets = ['mail', 'demo-mailbox'] as const;
const manifest = (set: string): CaseEntry[] => JSON.parse(readFileSync(path.join(root, set, 'cases.json'), 'utf8'));
const raw = (set: string, file: string) => readFileSync(path.join(root, set, file));
const header = (m: ParsedMail, name: string): string => {
  const v = m.headers.get(name);
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'value' in v) return String((v as { value: unknown }).value);
  return String(v);
};
const boundary = (m: ParsedMail): string => {
  const ct = m.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  return ct?.params?.boundary ?? '';
};

/** Each writer's marks: X-Mailer, boundary and Message-ID shapes, robot headers. */
const FINGERPRINTS: Record<string, (m: ParsedMail, text: string, source: string) => void> = {
  coremail: (m) => {
    expect(header(m, 'x-mailer')).toMatch(/^Coremail Webmail Server Version XT5/);
    expect(boundary(m)).toMatch(/^----=_Part_\d+_\d+\.\d+$/);
    expect(m.messageId).toMatch(/\.Coremail\.[^@]+@(163|126)\.com>$/);
  },
  foxmail: (m) => {
    expect(header(m, 'x-mailer')).toMatch(/^Foxmail 7\.2\.\d+\.\d+\[cn\]$/);
    expect(boundary(m)).toMatch(/^----=_001_NextPart\d{12}_=----$/);
    expect(m.messageId).toMatch(/^<\d{21}@/);
  },
  iphone: (m) => {
    expect(header(m, 'x-mailer')).toMatch(/^iPhone Mail \(\w+\)$/);
    expect(boundary(m)).toMatch(/^Apple-Mail-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(header(m, 'mime-version')).toBe('1.0 (1.0)');
  },
  outlook: (m) => {
    expect(header(m, 'x-mailer')).toBe('Microsoft Outlook 16.0');
    expect(boundary(m)).toMatch(/^----=_NextPart_000_[0-9A-F]{4}_[0-9A-F]{8}\.[0-9A-F]{8}$/);
    expect(header(m, 'thread-index')).not.toBe('');
    expect(m.messageId).toMatch(/^<000001da[0-9a-f]{4}\$[0-9a-f]{8}\$[0-9a-f]{8}\$@/);
  },
  qq: (m) => {
    expect(header(m, 'x-mailer')).toBe('QQMail 2.x');
    expect(header(m, 'x-qq-mid')).toMatch(/^webmail\d+t\d+t\d+$/);
    expect(boundary(m)).toMatch(/^----=_NextPart_[0-9A-F]{8}_[0-9A-F]{8}_[0-9A-F]{8}$/);
    expect(m.messageId).toMatch(/^<tencent_[0-9A-F]{40}@qq\.com>$/);
  },
  'netease-bounce': (m, _text, source) => {
    expect(header(m, 'content-type')).toBe('multipart/report');
    expect(m.from?.value[0]?.address).toBe('postmaster@126.com');
    expect((m.headers.get('return-path') as { value: { address: string }[] }).value[0]?.address).toBe('');
    expect(source).toMatch(/^Content-Type: message\/delivery-status\r\n\r\nReporting-MTA: dns; /m);
    expect(m.attachments.map((a) => a.contentType)).toContain('text/rfc822-headers');
  },
  'exchange-auto-reply': (m) => {
    expect(header(m, 'auto-submitted')).toBe('auto-replied');
    expect(header(m, 'x-auto-response-suppress')).toBe('All');
    expect(m.inReplyTo).toMatch(/@contest-intake\./);
  },
  'bulk-mailer': (m) => {
    expect(header(m, 'precedence')).toBe('bulk');
    // mailparser gathers List-* into one 'list' header.
    const list = m.headers.get('list') as { unsubscribe?: unknown; id?: unknown } | undefined;
    expect(list?.unsubscribe).toBeTruthy();
    expect(list?.id).toBeTruthy();
  },
  spam: (m, text) => {
    for (const h of ['auto-submitted', 'precedence', 'list']) expect(m.headers.has(h)).toBe(false);
    expect(m.subject).not.toMatch(/最美\s*in\s*温州/i);
    expect(text).toContain('#最美in温州');
  },
};

for (const set of sets) {
  describe(`fixtures/${set}`, () => {
    const entries = manifest(set);
    it('lists every .eml file in cases.json, and nothing else', () => {
      const files = readdirSync(path.join(root, set)).filter((f) => f.endsWith('.eml')).sort();
      expect(entries.map((e) => e.file).sort()).toEqual(files);
    });

    for (const e of entries) {
      it(`${e.file}: parses, "${e.subject}", written by ${e.fingerprint}`, async () => {
        const bytes = raw(set, e.file);
        const m = await simpleParser(bytes);
        expect(m.subject).toBe(e.subject);
        expect(m.date?.toISOString()).toBe(e.date);
        const text = `${m.text ?? ''}\n${typeof m.html === 'string' ? m.html : ''}`;
        FINGERPRINTS[e.fingerprint]!(m, text, bytes.toString('latin1'));

        // Every document travels under the intended (decoded) filename, directly or inside a forwarded message.
        const names = m.attachments.map((a) => a.filename);
        for (const inner of m.attachments.filter((a) => a.contentType === 'message/rfc822')) {
          const im = await simpleParser(inner.content);
          names.push(...im.attachments.map((a) => a.filename));
          expect(im.subject).toMatch(/^最美in温州\+/);
        }
        for (const d of e.documents) expect(names).toContain(d.filename);
        if (e.form && e.documents.length === 0) expect(m.text).toContain(`姓名：${e.form.name}`);
      });
    }
  });
}

describe('the encodings the corpus exists for (literal expectations, independent of cases.json)', () => {
  const cases: [file: string, rawPattern: RegExp, subject: string][] = [
    ['coremail-gbk-docx.eml', /^Subject: =\?GBK\?B\?/m, '最美in温州+五马街的清晨+陈晓东'],
    ['coremail-rfc2231-gbk-filename.eml', /filename\*=GBK''%D7%EE%C3%C0in%CE%C2%D6%DD/, '最美 in 温州＋江心屿日落＋赵敏'],
    ['foxmail-gb18030-rare-name.eml', /^Subject: =\?gb18030\?B\?/m, '最美 in 温州＋雁荡山的云＋郑𬭎'],
    ['foxmail-gb2312-two-creators.eml', /^Subject: =\?gb2312\?B\?/m, '最美in温州+楠溪江的夏天+林巧巧、王志明'],
    ['iphone-utf8-rfc2231-continuation.eml', /filename\*0\*=utf-8''%E9%99%84[^]*filename\*1\*=/, '最美IN温州+南塘街灯会+周婷'],
    ['outlook-utf8-q-subject.eml', /^Subject: =\?UTF-8\?Q\?Fw=3A_=E6=9C=80/m, 'Fw: 最美in温州+Night walk on Jiangxin Island+Lucas Wang'],
    ['outlook-gb2312-forward-inline.eml', /^Subject: =\?gb2312\?B\?/m, '转发: 最美in温州+三垟湿地的秋天+潘晓峰'],
    ['qq-gb18030-octet-stream.eml', /^Content-Type: application\/octet-stream;\r\n\tcharset="gb18030";\r\n\tname="=\?gb18030\?B\?/m, '最美 in 温州＋塘河人家＋吴晓燕'],
    ['coremail-reply-prefix.eml', /^In-Reply-To: <reply-/m, '回复：最美IN温州+江心屿日落+赵敏'],
    ['coremail-missing-creator.eml', /^Subject: =\?GBK\?B\?/m, '最美in温州+瓯江夜色'],
  ];
  for (const [file, pattern, subject] of cases) {
    it(file, async () => {
      const bytes = raw('mail', file);
      expect(bytes.toString('latin1')).toMatch(pattern);
      expect((await simpleParser(bytes)).subject).toBe(subject);
    });
  }

  it('a GB18030-only character really travels as a 4-byte sequence', async () => {
    const m = await simpleParser(raw('mail', 'foxmail-gb18030-rare-name.eml'));
    expect(m.text).toContain('郑𬭎');
    expect(m.attachments[0]?.filename).toBe('登记表-郑𬭎.docx');
  });

  it('the NetEase 超大附件 is a link in the HTML, not a part', async () => {
    const m = await simpleParser(raw('mail', 'coremail-large-attachment.eml'));
    expect(m.html).toContain('mail.163.com/large-attachment-download/');
    expect(m.attachments.map((a) => a.contentType)).not.toContain('video/mp4');
  });

  it('the small video is described in the structure and stays small', async () => {
    const m = await simpleParser(raw('mail', 'iphone-small-video.eml'));
    const video = m.attachments.find((a) => a.contentType === 'video/quicktime');
    expect(video?.filename).toBe('IMG_2087.MOV');
    expect(video?.size).toBe(48 * 1024);
    expect(video?.content.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('the committed fixtures stay small', () => {
    let total = 0;
    for (const set of sets) for (const f of readdirSync(path.join(root, set))) total += raw(set, f).length;
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});
