/**
 * Contender 1, the fetch limit: the least any client could ask the server for. One FETCH of every message's
 * structure and headers, then exactly the parts our pipeline plans to download (planParts), as few FETCHes as
 * possible: messages with the same part list share one FETCH (up to a byte budget), BINARY when the server has it
 * (the server decodes base64, a quarter fewer bytes). It keeps nothing and parses nothing.
 */
import type { FetchMessageObject } from 'imapflow';
import { planLimitsFor, planParts } from '../../src/mailbox/message-parts.ts';
import { imapEnv, openReadOnly, report } from '../lib/contender-io.ts';

const BUDGET_BYTES = 8 * 1024 * 1024;
const MAX_UIDS = 500;

const env = imapEnv();
const started = performance.now();
// The service's own limits with PART_MAX_BYTES unset (25 MiB).
const limits = planLimitsFor(25 * 1024 * 1024);
const { client, release } = await openReadOnly(env, 'bench-fetch-limit');
let messages = 0;
let partBytes = 0;
let fetches = 0;
let binary = false;
let structureMs = 0;
try {
  const groups = new Map<string, { uid: number; size: number }[]>();
  for await (const m of client.fetch('1:*', { uid: true, size: true, internalDate: true, bodyStructure: true, headers: true }, { uid: true }) as AsyncIterable<FetchMessageObject>) {
    messages++;
    if (!m.bodyStructure) continue;
    const single = !m.bodyStructure.childNodes;
    const wanted = planParts(m.bodyStructure, limits).filter((p) => p.download);
    if (!wanted.length) continue;
    // A single-part message's body is its TEXT section (what imapflow's download asks for too).
    const key = wanted.map((p) => (single ? 'TEXT' : p.part)).join(' ');
    const list = groups.get(key) ?? [];
    list.push({ uid: m.uid, size: wanted.reduce((s, p) => s + p.size, 0) });
    groups.set(key, list);
  }
  fetches++;
  structureMs = performance.now() - started;
  binary = client.capabilities.has('BINARY');
  for (const [key, list] of groups) {
    const parts = key.split(' ');
    for (let i = 0; i < list.length;) {
      const uids: number[] = [];
      let bytes = 0;
      while (i < list.length && uids.length < MAX_UIDS && (uids.length === 0 || bytes + list[i]!.size <= BUDGET_BYTES)) {
        bytes += list[i]!.size;
        uids.push(list[i++]!.uid);
      }
      fetches++;
      for await (const m of client.fetch(uids.join(','), { uid: true, bodyParts: parts }, { uid: true, binary: true }) as AsyncIterable<FetchMessageObject>) {
        for (const buf of m.bodyParts?.values() ?? []) partBytes += buf.length;
      }
    }
  }
} finally {
  await release();
}
const workMs = performance.now() - started;
report({ messages, partBytes, fetches, binary, structureMs, partsMs: workMs - structureMs, workMs });
