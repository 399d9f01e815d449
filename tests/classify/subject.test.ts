import { describe, expect, it } from 'vitest';
import { normalizeSubject, parseSubject, stripReplyPrefixes } from '../../src/classify/subject.ts';

const opts = { tags: ['最美in温州'], separators: ['+', '＋'] };

describe('parseSubject', () => {
  it('reads the form the notice asks for', () => {
    const s = parseSubject('最美in温州+五马街的清晨+陈晓东', opts);
    expect(s).toMatchObject({ hasTag: true, title: '五马街的清晨', creators: ['陈晓东'], defects: [] });
  });

  it('accepts the tag with spaces and capitals, and full-width plus signs', () => {
    const s = parseSubject('最美 IN 温州＋瓯江夜色＋林巧巧', opts);
    expect(s).toMatchObject({ hasTag: true, title: '瓯江夜色', creators: ['林巧巧'], defects: [] });
  });

  it('strips reply and forward prefixes in Chinese and English, repeated', () => {
    expect(stripReplyPrefixes('回复：转发: Fw: 最美in温州+a+b')).toBe('最美in温州+a+b');
    const s = parseSubject('Re: 答复：最美in温州+南塘风貌+王志明', opts);
    expect(s.title).toBe('南塘风貌');
    expect(s.creators).toEqual(['王志明']);
  });

  it('splits several creators joined by 、 and commas', () => {
    const s = parseSubject('最美in温州+雁荡山的云+林巧巧、王志明，陈晓东', opts);
    expect(s.creators).toEqual(['林巧巧', '王志明', '陈晓东']);
  });

  it('keeps a plus sign inside the title: the last piece is the creator', () => {
    const s = parseSubject('最美in温州+温州+你+陈晓东', opts);
    expect(s.title).toBe('温州+你');
    expect(s.creators).toEqual(['陈晓东']);
  });

  it('names a missing creator as a defect', () => {
    const s = parseSubject('最美in温州+瓯江夜色', opts);
    expect(s.title).toBe('瓯江夜色');
    expect(s.creators).toEqual([]);
    expect(s.defects).toEqual(['no_creator']);
  });

  it('names a trailing separator with no creator', () => {
    expect(parseSubject('最美in温州+瓯江夜色+', opts).defects).toContain('no_creator');
  });

  it('reads spaces in place of plus signs, and still names the defect', () => {
    const s = parseSubject('最美in温州 瓯江夜色 林巧巧', opts);
    expect(s).toMatchObject({ title: '瓯江夜色', creators: ['林巧巧'], defects: ['no_separator'] });
  });

  it('finds no tag in an ordinary subject', () => {
    expect(parseSubject('关于五马街的视频', opts)).toMatchObject({ hasTag: false, defects: ['no_tag'] });
  });

  it('accepts the tag in quotation marks and with a hash sign', () => {
    expect(parseSubject('“最美in温州”+江心屿+陈晓东', opts)).toMatchObject({ title: '江心屿', creators: ['陈晓东'] });
    expect(parseSubject('#最美in温州+江心屿+陈晓东', opts)).toMatchObject({ title: '江心屿', creators: ['陈晓东'] });
  });

  it('strips book-title marks around the title', () => {
    expect(parseSubject('最美in温州+《江心屿》+陈晓东', opts).title).toBe('江心屿');
  });

  it('normalizes full-width letters and zero-width spaces', () => {
    expect(normalizeSubject('最美ＩＮ温州\u200b＋a＋b')).toBe('最美IN温州+a+b');
  });
});
