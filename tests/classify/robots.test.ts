import { describe, expect, it } from 'vitest';
import { robotReason } from '../../src/classify/robots.ts';
import type { MessageHeaders } from '../../src/mailbox/incoming-message.ts';

function headers(raw: Record<string, string>, from = 'chenxd@126.com', contentType = 'multipart/mixed'): MessageHeaders {
  return {
    messageId: '<x@y>', subject: raw.subject ?? '', from: { address: from, name: '' }, replyTo: null, sender: null, to: [],
    date: null, inReplyTo: null, references: [], contentType,
    raw: new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), [v]])),
  };
}

describe('robotReason', () => {
  it('lets a person through', () => {
    expect(robotReason(headers({ 'auto-submitted': 'no' }), '最美in温州+a+b')).toBeNull();
  });
  it('catches Auto-Submitted', () => {
    expect(robotReason(headers({ 'auto-submitted': 'auto-replied' }), 'x')).toMatch(/Auto-Submitted/);
  });
  it('catches Precedence bulk and list', () => {
    expect(robotReason(headers({ precedence: 'bulk' }), 'x')).toMatch(/Precedence/);
    expect(robotReason(headers({ precedence: 'list' }), 'x')).toMatch(/Precedence/);
  });
  it('catches List-* headers', () => {
    expect(robotReason(headers({ 'list-unsubscribe': '<mailto:u@x>' }), 'x')).toMatch(/list-unsubscribe/);
  });
  it('catches delivery reports', () => {
    expect(robotReason(headers({}, 'someone@x.com', 'multipart/report'), 'x')).toBe('delivery report');
  });
  it('catches a null Return-Path', () => {
    expect(robotReason(headers({ 'return-path': '<>' }), 'x')).toBe('null Return-Path');
  });
  it('catches robot senders', () => {
    for (const from of ['MAILER-DAEMON@126.com', 'postmaster@126.com', 'noreply@douyin.com', 'no-reply@x.cn', 'owner-list@x.org', 'list-request@x.org']) {
      expect(robotReason(headers({}, from), 'x'), from).not.toBeNull();
    }
  });
  it('catches auto-reply and bounce subjects in Chinese and English', () => {
    for (const s of ['自动回复：最美in温州+a+b', '系统退信', 'Out of Office: x', 'Undeliverable: 最美in温州', 'Delivery Status Notification (Failure)']) {
      expect(robotReason(headers({}), s), s).not.toBeNull();
    }
  });
});
