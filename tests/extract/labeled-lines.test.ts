import { describe, expect, it } from 'vitest';
import { formLabels } from '../../src/extract/label-match.ts';
import { readLabeledLines } from '../../src/extract/labeled-lines.ts';
import { contest } from './helpers.ts';

/** A form typed line by line (issue 14 §5): a field stops at the form's footnote and at the next label. */

const labels = formLabels(contest).fields;
const read = (lines: string[]) => readLabeledLines(lines.join('\n'), labels).fields;

describe('fields typed as lines', () => {
  it('the introduction stops at the form\'s footnote on the next line, with no blank line between', () => {
    expect(read(['姓名：吴晓燕', '作品简介：油菜花开了。', '村里的老人在晒茶。', '注：请完整填写此表发送至 bisaihuodong@126.com 邮箱。']).intro)
      .toBe('油菜花开了。\n村里的老人在晒茶。');
  });

  it('stops at a footnote written after the value on the same line, and at 备注： / 填表说明： lines', () => {
    expect(read(['姓名：吴晓燕', '作品简介：油菜花开了。 注：请完整填写此表。']).intro).toBe('油菜花开了。');
    expect(read(['作品简介：油菜花开了。', '备注：作品时长不超过10分钟。']).intro).toBe('油菜花开了。');
    expect(read(['作品简介：油菜花开了。', '填表说明：请如实填写。']).intro).toBe('油菜花开了。');
    expect(read(['作品简介：油菜花开了。', '请完整填写此表，并发送至 bisaihuodong@126.com。']).intro).toBe('油菜花开了。');
  });

  it('keeps a note that is part of the introduction\'s own sentence', () => {
    expect(read(['作品简介：全片用手机拍摄（注：未经剪辑），共三分钟。']).intro).toBe('全片用手机拍摄（注：未经剪辑），共三分钟。');
  });

  it('stops at the next label, also one standing alone on its line, whose value follows on the next', () => {
    expect(read(['作品简介：油菜花开了。', '通讯地址', '文成县南田镇新宅街12号', '手机号码：13758891234'])).toEqual({
      intro: '油菜花开了。', address: '文成县南田镇新宅街12号', phone: '13758891234',
    });
  });

  it('a link field runs on over lines that hold more links, and stops at the first that holds none', () => {
    expect(read(['链接地址：①https://v.douyin.com/a1/', '②https://v.douyin.com/a2/', 'v.douyin.com/a3/', '谢谢老师', 'https://v.douyin.com/a4/']).link)
      .toBe('①https://v.douyin.com/a1/\n②https://v.douyin.com/a2/\nv.douyin.com/a3/');
    expect(read(['链接地址：', '1、https://v.douyin.com/a1/', '2、https://v.douyin.com/a2/', '手机号码：13758891234']).link)
      .toBe('https://v.douyin.com/a1/\nhttps://v.douyin.com/a2/');
  });
});
