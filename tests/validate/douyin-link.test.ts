import { describe, expect, it } from 'vitest';
import { loadContest } from '../../src/config.ts';
import { canonicalDouyinLink, findLinks, readLinkField } from '../../src/validate/douyin-link.ts';

const contest = loadContest('config');
const hosts = contest.douyinHosts;
const VIDEO_ID = '7301234567890123456';

describe('Douyin links in what people paste', () => {
  it('takes the short link out of a whole Douyin share text and nothing else', () => {
    const share = '7.89 复制打开抖音，看看【陈晓东的作品】五马街的清晨 # 最美in温州 https://v.douyin.com/iRNBxYkq/ Mxm:/ 01/23 a@a.Go';
    expect(findLinks(share, hosts)).toEqual([{ raw: 'https://v.douyin.com/iRNBxYkq/', platform: 'douyin', canonical: 'https://v.douyin.com/iRNBxYkq/' }]);
  });

  it('ignores the dotted codes a share text ends with', () => {
    const share = '9.43 daN:/ 复制打开抖音，看看【林小雨的作品】# 最美in温州 https://v.douyin.com/Wm5Jq2aB/ 12/05 o.Kj 08@3.com';
    expect(findLinks(share, hosts).map((l) => l.raw)).toEqual(['https://v.douyin.com/Wm5Jq2aB/']);
  });

  it('reads a share text typed with full-width characters', () => {
    const share = '复制打开抖音，看看【林小雨的作品】ｈｔｔｐｓ：／／ｖ．ｄｏｕｙｉｎ．ｃｏｍ／ｉＲＮＢｘＹｋｑ／　更多精彩';
    expect(readLinkField(share, hosts).works).toEqual(['https://v.douyin.com/iRNBxYkq/']);
  });

  it('accepts a link without scheme and adds the short link slash', () => {
    expect(readLinkField('v.douyin.com/iRNBxYkq', hosts).works).toEqual(['https://v.douyin.com/iRNBxYkq/']);
  });

  it('accepts an ideographic full stop typed instead of dots', () => {
    expect(readLinkField('v。douyin。com/iRNBxYkq/', hosts).works).toEqual(['https://v.douyin.com/iRNBxYkq/']);
  });

  it('drops trailing punctuation, ASCII or Chinese', () => {
    expect(readLinkField('链接：https://v.douyin.com/iRNBxYkq/。', hosts).works).toEqual(['https://v.douyin.com/iRNBxYkq/']);
    expect(readLinkField(`（https://www.douyin.com/video/${VIDEO_ID}），谢谢`, hosts).works).toEqual([`https://www.douyin.com/video/${VIDEO_ID}`]);
    expect(readLinkField('见 https://v.douyin.com/iRNBxYkq/.', hosts).works).toEqual(['https://v.douyin.com/iRNBxYkq/']);
  });

  it('canonicalizes every long form of the same work to one link', () => {
    const forms = [
      `https://www.douyin.com/video/${VIDEO_ID}`,
      `HTTPS://WWW.DOUYIN.COM/video/${VIDEO_ID}?previous_page=app_code_link#comment`,
      `douyin.com/video/${VIDEO_ID}`,
      `http://m.douyin.com/video/${VIDEO_ID}/`,
      `https://www.iesdouyin.com/share/video/${VIDEO_ID}/?region=CN&mid=7301&u_code=abc`,
      `https://www.douyin.com/user/MS4wLjABAAAAxyz?modal_id=${VIDEO_ID}`,
    ];
    for (const f of forms) expect(canonicalDouyinLink(f, hosts), f).toBe(`https://www.douyin.com/video/${VIDEO_ID}`);
  });

  it('keeps image posts (note) apart from videos', () => {
    expect(canonicalDouyinLink(`https://www.douyin.com/note/${VIDEO_ID}`, hosts)).toBe(`https://www.douyin.com/note/${VIDEO_ID}`);
    expect(canonicalDouyinLink(`https://www.iesdouyin.com/share/note/${VIDEO_ID}/`, hosts)).toBe(`https://www.douyin.com/note/${VIDEO_ID}`);
  });

  it('lower-cases the host of a short link but keeps the case of its code', () => {
    expect(canonicalDouyinLink('HTTP://V.DOUYIN.COM/iRNBxYkq?utm=1', hosts)).toBe('https://v.douyin.com/iRNBxYkq/');
    expect(canonicalDouyinLink('https://v.douyin.com/iRNBxYkq/', hosts)).not.toBe(canonicalDouyinLink('https://v.douyin.com/irnbxykq/', hosts));
  });

  it('finds every piece of a group, each once', () => {
    const text = `1. https://v.douyin.com/aaa111/\n2、https://v.douyin.com/bbb222/，3. https://www.douyin.com/video/${VIDEO_ID}?x=1\n重复：https://www.douyin.com/video/${VIDEO_ID}`;
    expect(readLinkField(text, hosts).works).toEqual([
      'https://v.douyin.com/aaa111/', 'https://v.douyin.com/bbb222/', `https://www.douyin.com/video/${VIDEO_ID}`,
    ]);
  });

  it('rejects a Kuaishou share text', () => {
    const r = readLinkField('https://v.kuaishou.com/JxYz12 复制此消息，打开【快手】直接观看！', hosts);
    expect(r.works).toEqual([]);
    expect(r.rejected.map((l) => l.platform)).toEqual(['kuaishou']);
  });

  it('names Bilibili, WeChat Channels, Xiaohongshu and a 126 large-attachment link', () => {
    const r = readLinkField([
      'https://b23.tv/AbCdEf',
      'https://channels.weixin.qq.com/web/pages/feed?eid=export%2FUzFf',
      'http://xhslink.com/a/Qw3Er4，复制本条信息，打开【小红书】App查看精彩内容！',
      'https://mail.126.com/large-attachment-download/?p=X1Y2Z3&file=五马街.mp4',
    ].join('\n'), hosts);
    expect(r.works).toEqual([]);
    expect(r.rejected.map((l) => l.platform)).toEqual(['bilibili', 'weixin_channels', 'xiaohongshu', 'large_attachment']);
  });

  it('does not count a Douyin profile page as a work', () => {
    const r = readLinkField('https://www.douyin.com/user/MS4wLjABAAAAxyz', hosts);
    expect(r.works).toEqual([]);
    expect(r.rejected).toEqual([{ raw: 'https://www.douyin.com/user/MS4wLjABAAAAxyz', platform: 'douyin', canonical: null }]);
  });

  it('only trusts the hosts of the configuration', () => {
    expect(canonicalDouyinLink('https://v.douyin.com/iRNBxYkq/', ['www.douyin.com'])).toBeNull();
    expect(canonicalDouyinLink('https://v.douyin.com.evil.example/iRNBxYkq/', hosts)).toBeNull();
  });
});
