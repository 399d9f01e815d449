import { describe, expect, it } from 'vitest';
import type { DocBlock } from '../../src/extract/doc-content.ts';
import { layoutBlocks, type PageLayout, type Rule, type TextPiece } from '../../src/extract/pdf-layout.ts';

/** The table rebuild on its own: drawn lines and placed text in, rows and cells out (PDF space, y upwards). */

const SIZE = 10;
const piece = (text: string, x: number, y: number, width = text.length * SIZE): TextPiece => ({ text, x, y, width, size: SIZE });
const h = (y: number, x1: number, x2: number): Rule => ({ x1, y1: y, x2, y2: y });
const v = (x: number, y1: number, y2: number): Rule => ({ x1: x, y1, x2: x, y2 });

/** A grid with column edges xs and row edges ys (top first); `open` lists borders left out: [row, col] of a missing right border. */
function grid(xs: number[], ys: number[], openRight: Array<[number, number]> = []): Rule[] {
  const rules: Rule[] = ys.map((y) => h(y, xs[0]!, xs[xs.length - 1]!));
  xs.forEach((x, c) => {
    for (let r = 0; r + 1 < ys.length; r++) {
      if (openRight.some(([rr, cc]) => rr === r && cc + 1 === c)) continue;
      rules.push(v(x, ys[r + 1]!, ys[r]!));
    }
  });
  return rules;
}

const cells = (b: DocBlock | undefined) => (b?.kind === 'table' ? b.table.rows.map((r) => r.cells.map((c) => `${c.id}:${c.text}`)) : b?.text);

describe('rebuilding tables from a PDF page', () => {
  it('cells from the drawn grid; a missing border merges two cells into one (same id in both places)', () => {
    const page: PageLayout = {
      rules: grid([0, 100, 200, 300], [300, 270, 240]),
      pieces: [piece('姓名', 5, 280), piece('陈晓东', 105, 280), piece('职业', 205, 280), piece('单位', 5, 250), piece('温州日报社', 105, 250)],
    };
    expect(cells(layoutBlocks([page])[0])).toEqual([['1:姓名', '2:陈晓东', '3:职业'], ['4:单位', '5:温州日报社', '6:']]);
    const merged: PageLayout = { ...page, rules: grid([0, 100, 200, 300], [300, 270, 240], [[1, 1]]) };
    expect(cells(layoutBlocks([merged])[0])).toEqual([['1:姓名', '2:陈晓东', '3:职业'], ['4:单位', '5:温州日报社', '5:温州日报社']]);
  });

  it('wrapped lines in a cell are joined (no space inside a link or a number), a short line ends its paragraph', () => {
    const page: PageLayout = {
      rules: grid([0, 100, 200], [300, 200]),
      pieces: [
        piece('链接', 5, 280),
        piece('https://v.douyin', 105, 280, 92), piece('.com/iRNBxYkq/', 105, 268, 60),
        piece('第一段，刚好写', 105, 250, 92), piece('满。', 105, 238, 20), piece('第二段。', 105, 226, 40),
      ],
    };
    expect(cells(layoutBlocks([page])[0])).toEqual([['1:链接', '2:https://v.douyin.com/iRNBxYkq/\n第一段，刚好写满。\n第二段。']]);
  });

  it('spread-out Chinese text loses its gaps; a gap of several characters between pieces is a tab outside tables', () => {
    const blocks = layoutBlocks([{ rules: [], pieces: [piece('推', 0, 500), piece('荐', 14, 500), piece('单位：温州日报社', 28, 500), piece('联系人：张明', 140, 500)] }]);
    expect(cells(blocks[0])).toBe('推荐单位：温州日报社\t联系人：张明');
  });

  it('a table broken by a page is one table; the rest of a row broken with it goes back into that row; page numbers are dropped', () => {
    const xs = [0, 50, 250];
    const page1: PageLayout = { rules: grid(xs, [300, 280, 260]), pieces: [piece('序号', 5, 285), piece('作品题目', 55, 285), piece('1', 5, 265), piece('五马街的', 55, 265), piece('1', 120, 20)] };
    const page2: PageLayout = { rules: grid(xs, [800, 780, 760]), pieces: [piece('清晨', 55, 785), piece('2', 5, 765), piece('江心屿', 55, 765), piece('第 2 页', 100, 20)] };
    const blocks = layoutBlocks([page1, page2]);
    expect(blocks).toHaveLength(1);
    expect(cells(blocks[0])).toEqual([['1:序号', '2:作品题目'], ['3:1', '4:五马街的清晨'], ['7:2', '8:江心屿']]);
  });

  it('without a grid, lines of two cells or more are rows, and cells line up by where they start', () => {
    const blocks = layoutBlocks([{ rules: [], pieces: [
      piece('参赛登记表', 100, 700),
      piece('姓', 0, 600), piece('名', 30, 600), piece('陈晓东', 100, 600),
      piece('职业', 0, 580), piece('摄影记者', 100, 580), piece('单位', 200, 580), piece('温州日报社', 260, 580),
    ] }]);
    expect(cells(blocks[0])).toBe('参赛登记表');
    expect(cells(blocks[1])).toEqual([['1:姓 名', '2:陈晓东', '3:', '4:'], ['5:职业', '6:摄影记者', '7:单位', '8:温州日报社']]);
  });

  it('more rules than a form has (a drawing) are no grid', () => {
    const rules = Array.from({ length: 5000 }, (_, i) => h(i % 700, 0, 10 + (i % 50)));
    const blocks = layoutBlocks([{ rules: [...rules, ...grid([0, 100, 200], [300, 280])], pieces: [piece('姓名：陈晓东', 5, 285)] }]);
    expect(blocks).toEqual([{ kind: 'text', text: '姓名：陈晓东' }]);
  });
});
