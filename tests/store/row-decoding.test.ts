import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problem } from '../../src/domain/problem.ts';
import { openDatabase, type Db } from '../../src/store/db.ts';
import { insertMessage, iterateMessages } from '../../src/store/messages-repo.ts';
import { insertOutbox, listOutbox } from '../../src/store/outbox-repo.ts';
import { listUnitAliases } from '../../src/store/units-repo.ts';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-rows-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2024-06-10T02:00:00Z');
const late = problem('late', '作品于截止日期之后收到。', { field: 'link', detail: 'after 2024-09-25' });

function storeOne(): number {
  return insertMessage(db, {
    contentHash: 'hash-1', messageId: '<m1@example.com>', mailbox: 'INBOX', uidValidity: 7, uid: 3, sourceFile: null,
    fromAddress: 'chenxd@126.com', fromName: '陈晓东', replyTo: null, subject: '最美in温州+五马街的清晨+陈晓东', receivedAt: NOW,
    size: 2048, kind: 'individual', kindReason: 'contest tag in subject', status: 'problems', problems: [late], error: null,
    headersKey: 'a'.repeat(64), textKey: null, htmlKey: null,
    attachments: [{ part: '2', filename: '登记表.docx', contentType: 'application/octet-stream', size: 100, inline: false, downloaded: true, skipped: null, sha256: 'b'.repeat(64), forwardedFrom: null }],
  }, NOW);
}

describe('rows read back from SQLite', () => {
  it('come back with the types they were written with, JSON columns included', () => {
    const id = storeOne();
    const [row] = [...iterateMessages(db)];
    expect(row).toMatchObject({
      id, uid: 3, uidValidity: 7, from: 'chenxd@126.com', kind: 'individual', status: 'problems', problems: [late],
      attachments: [{ part: '2', inline: false, downloaded: true, skipped: null, sha256: 'b'.repeat(64) }],
    });
    insertOutbox(db, {
      kind: 'reply', messageId: id, recipients: ['chenxd@126.com'], recipient: 'chenxd@126.com', dedupeKey: 'k', intentKey: 'k',
      fingerprint: null, day: '2024-06-10', mailMessageId: '<r1@126.com>', mailDate: NOW, subject: 'Re: x', payload: '{}', raw: Buffer.from('bytes'),
      status: 'pending', reason: 'reply',
    }, NOW);
    expect(listOutbox(db)).toMatchObject([{ kind: 'reply', messageId: id, recipients: ['chenxd@126.com'], raw: null, status: 'pending', attempts: 0 }]);
  });

  it('stop at the store, table and column named, when a value is not what the code wrote', () => {
    storeOne();
    db.prepare("UPDATE messages SET problems = '[{\"code\":\"no_such_code\",\"message\":\"x\",\"actor\":\"submitter\"}]'").run();
    expect(() => [...iterateMessages(db)]).toThrow(/messages\.problems: expected a JSON array of problems/);
    db.prepare("UPDATE messages SET problems = 'not json'").run();
    expect(() => [...iterateMessages(db)]).toThrow(/messages\.problems: expected JSON/);
    db.prepare("UPDATE messages SET problems = '[]', size = 'big'").run();
    expect(() => [...iterateMessages(db)]).toThrow(/messages\.size: expected an integer, found string/);
    db.prepare("UPDATE messages SET size = 1").run();
    db.prepare("UPDATE attachments SET inline = 2").run();
    expect(() => [...iterateMessages(db)]).toThrow(/attachments\.inline: expected 0 or 1/);
    // A TEXT column turns a number into text: only a blob keeps its type.
    db.prepare("INSERT INTO unit_aliases (alias, unit_name, added_at) VALUES ('鹿城区新闻宣传中心', X'07', '2024-05-01')").run();
    expect(() => listUnitAliases(db)).toThrow(/unit_aliases\.unit_name: expected text, found object/);
  });
});
