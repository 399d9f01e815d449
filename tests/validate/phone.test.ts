import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../src/validate/phone.ts';

describe('phone numbers', () => {
  it('normalizes a mobile written with +86, spaces and dashes', () => {
    for (const written of ['13857712345', '138 5771 2345', '138-5771-2345', '+86 138 5771 2345', '+86-13857712345', '0086 13857712345', '８６１３８５７７１２３４５', '手机：13857712345']) {
      expect(parsePhone(written), written).toEqual({ kind: 'mobile', normalized: '13857712345' });
    }
  });

  it('normalizes a Wenzhou landline with its area code', () => {
    for (const written of ['0577-88096549', '0577 88096549', '(0577)88096549', '（0577）8809-6549', '057788096549', '+86 577 8809 6549']) {
      expect(parsePhone(written), written).toEqual({ kind: 'landline', normalized: '0577-88096549' });
    }
  });

  it('knows the three-digit area codes and extensions', () => {
    expect(parsePhone('010-62345678')).toEqual({ kind: 'landline', normalized: '010-62345678' });
    // Local numbers never start with 0 or 1.
    expect(parsePhone('010-12345678')).toBeNull();
    expect(parsePhone('0577-88096549转8001')).toEqual({ kind: 'landline', normalized: '0577-88096549-8001' });
    expect(parsePhone('0577-88096549-8001')).toEqual({ kind: 'landline', normalized: '0577-88096549-8001' });
  });

  it('accepts an 8-digit local number without area code', () => {
    expect(parsePhone('88096549')).toEqual({ kind: 'local', normalized: '88096549' });
    expect(parsePhone('8809 6549')).toEqual({ kind: 'local', normalized: '88096549' });
  });

  it('takes the first valid number when several are written', () => {
    expect(parsePhone('13857712345 / 0577-88096549')).toEqual({ kind: 'mobile', normalized: '13857712345' });
    expect(parsePhone('无，0577-88096549')).toEqual({ kind: 'landline', normalized: '0577-88096549' });
  });

  it('refuses what is not a phone number', () => {
    for (const written of ['1385771234', '12857712345', '138577123456', '0577-123', '8809654', '陈晓东', 'chen@example.com', '2024-05-10']) {
      expect(parsePhone(written), written).toBeNull();
    }
  });
});
