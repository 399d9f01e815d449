import { describe, expect, it } from 'vitest';
import { loadContest } from '../../src/config.ts';
import { readLinkField } from '../../src/validate/douyin-link.ts';

/**
 * 组合 works: every link of a cell, in order and each once, however people separate and number them (issue 14 §2).
 * Seeded trials mix the separators, numberings, share texts and repeats people use; a failure prints its seed.
 */

const contest = loadContest('config');
const hosts = contest.douyinHosts;

describe('several links in one cell', () => {
  it('keeps circled numbers from gluing links together (①…；②… folds to 1…;2… otherwise)', () => {
    expect(readLinkField('①https://v.douyin.com/iRa1Bc2D/；②https://v.douyin.com/iRe3Fg4H/；③https://v.douyin.com/iRe3Fg4J/', hosts).works)
      .toEqual(['https://v.douyin.com/iRa1Bc2D/', 'https://v.douyin.com/iRe3Fg4H/', 'https://v.douyin.com/iRe3Fg4J/']);
  });

  it('splits on ; , 、 ，, spaces and line breaks, with or without a scheme', () => {
    const text = 'https://v.douyin.com/a1/;https://v.douyin.com/a2/,https://v.douyin.com/a3/、https://v.douyin.com/a4/，https://v.douyin.com/a5/ https://v.douyin.com/a6/\nv.douyin.com/a7/;v.douyin.com/a8/';
    expect(readLinkField(text, hosts).works).toEqual(Array.from({ length: 8 }, (_, i) => `https://v.douyin.com/a${i + 1}/`));
  });

  it('reads every link of several Douyin share texts in one cell', () => {
    const text = '7.43 复制打开抖音，看看【张三的作品】瑞安古城 # 最美in温州 https://v.douyin.com/iRa1Bc2D/ Mxm:/ 01/23 a@a.Go；'
      + '3.05 复制打开抖音，看看【张三的作品】瑞安古城二 https://v.douyin.com/iRe3Fg4H/ 11/08 u@F.vS kPx:/';
    expect(readLinkField(text, hosts).works).toEqual(['https://v.douyin.com/iRa1Bc2D/', 'https://v.douyin.com/iRe3Fg4H/']);
  });

  it('leaves a link inside another link\'s query where it is', () => {
    expect(readLinkField('https://www.douyin.com/user/x?modal_id=7301234567890123456&from=https://a.example.cn/', hosts).works)
      .toEqual(['https://www.douyin.com/video/7301234567890123456']);
  });

  it('keeps each link once, in the order first written', () => {
    expect(readLinkField('②https://v.douyin.com/b/ ①https://v.douyin.com/a/ ③https://v.douyin.com/b/', hosts).works)
      .toEqual(['https://v.douyin.com/b/', 'https://v.douyin.com/a/']);
  });
});

/** A small deterministic generator, so a failing trial can be replayed from its seed. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const SEPARATORS = ['；', ';', '、', '，', ',', ' ', '\n', '\r\n', ' ； ', '　'];
const NUMBERING = [(i: number) => String.fromCharCode(0x2460 + i), (i: number) => `${i + 1}.`, (i: number) => `${i + 1}、`, (i: number) => `（${i + 1}）`,
  (i: number) => String.fromCharCode(0x2776 + i), (i: number) => String.fromCharCode(0x2474 + i), () => ''];
const CODE = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

describe('seeded trials: any mix of separators, numbering, share texts and repeats gives every link once, in order', () => {
  const SEEDS = 2000;
  it(`${SEEDS} cells`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = rng(seed * 7919);
      const count = 1 + r(9);
      const works = Array.from({ length: count }, (_, i) => (r(4) === 0
        ? `https://www.douyin.com/video/7${String(3000000000000000000n + BigInt(seed * 100 + i)).slice(1)}`
        : `https://v.douyin.com/${Array.from({ length: 8 }, () => CODE[r(CODE.length)]).join('')}${i}/`));
      const number = NUMBERING[r(NUMBERING.length)]!;
      const pieces: string[] = [];
      const written: string[] = [];
      works.forEach((w, i) => {
        const shown = r(5) === 0 ? w.replace('https://', '') : w;
        const piece = r(4) === 0 ? `${r(9)}.${r(90) + 10} 复制打开抖音，看看【作者的作品】第${i + 1}集 # 最美in温州 ${shown} 0${r(9)}/1${r(9)} a@B.cd Xy:/` : shown;
        pieces.push(`${number(i)}${piece}`);
        written.push(w);
        // People repeat a link now and then: it still counts once.
        if (r(6) === 0 && i > 0) { const again = works[r(i)]!; pieces.push(`${number(i)}${again}`); }
      });
      const cell = pieces.map((p, i) => (i ? SEPARATORS[r(SEPARATORS.length)]! : '') + p).join('');
      const got = readLinkField(cell, hosts).works;
      expect(got, `seed ${seed}: ${JSON.stringify(cell)}`).toEqual([...new Set(written)]);
    }
  });
});
