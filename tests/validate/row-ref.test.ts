import { describe, expect, it } from 'vitest';
import { summaryRowRef } from '../../src/validate/row-ref.ts';

describe('a summary row named as its sender sees it (issue 14 §6)', () => {
  it('by 序号 and title; by row and title without a 序号; by 序号 and row without a title', () => {
    expect(summaryRowRef({ index: '7', row: 9, title: '平阳·晨光' })).toBe('序号 7《平阳·晨光》');
    expect(summaryRowRef({ index: null, row: 9, title: '《平阳·晨光》' })).toBe('第 9 行《平阳·晨光》');
    expect(summaryRowRef({ index: '7.', row: 9, title: null })).toBe('序号 7（第 9 行）');
    expect(summaryRowRef({ index: ' ', row: 9, title: '' })).toBe('第 9 行');
  });

  it('shortens a very long title', () => {
    expect(summaryRowRef({ index: '1', row: 3, title: '长'.repeat(60) })).toBe(`序号 1《${'长'.repeat(40)}》`);
  });
});
