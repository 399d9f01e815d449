import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertWithLibreOffice, findSoffice, lockDownProfile } from '../../src/extract/legacy-convert.ts';
import { formFields, odtRemoteImage, rtfRemotePicture } from '../../fixtures/scripts/hostile/documents.ts';
import { Rng } from '../../fixtures/scripts/hostile/kit.ts';

/**
 * LibreOffice fetches a document's linked pictures while converting it (an OPTIONS then a GET, seen on 7.4): a
 * sender could make the service call any address. Each conversion's profile blocks links from untrusted
 * documents and points every proxy at a closed port.
 */

let canary: { url: string; hits: string[]; server: http.Server };
const soffice = await findSoffice();

beforeAll(async () => {
  const hits: string[] = [];
  const server = http.createServer((req, res) => { hits.push(`${req.method} ${req.url}`); res.end(); });
  server.on('connection', () => hits.push('connection'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits, server };
});
afterAll(() => new Promise<void>((resolve) => canary.server.close(() => resolve())));

describe('LibreOffice conversions fetch nothing', () => {
  it('the profile lock is merged into what LibreOffice wrote, once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-lock-'));
    try {
      const file = path.join(dir, 'user', 'registrymodifications.xcu');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry">\n<item oor:path="/x"><prop oor:name="Kept"><value>1</value></prop></item>\n</oor:items>\n');
      await lockDownProfile(dir);
      await lockDownProfile(dir);
      const xcu = readFileSync(file, 'utf8');
      expect(xcu).toContain('oor:name="Kept"');
      expect(xcu.match(/BlockUntrustedRefererLinks/g)).toHaveLength(1);
      expect(xcu).toMatch(/ooInetHTTPProxyPort" oor:op="fuse"><value>9</);
      expect(xcu.trimEnd().endsWith('</oor:items>')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!soffice)('an .odt with a linked picture and an .rtf with INCLUDEPICTURE are converted without a request', async () => {
    const form = formFields(new Rng(3));
    const odt = await convertWithLibreOffice(odtRemoteImage(canary.url, form), 'odt', 'docx');
    const rtf = await convertWithLibreOffice(rtfRemotePicture(canary.url, form), 'rtf', 'docx');
    expect([odt.ok, rtf.ok]).toEqual([true, true]);
    expect(canary.hits).toEqual([]);
  }, 120_000);
});
