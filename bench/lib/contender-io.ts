import type { MessageStructureObject } from 'imapflow';
import type { StructureNode } from '../../src/mailbox/message-parts.ts';

/**
 * What every measured child process shares: where the server is (the same IMAP_* variables the service reads),
 * how it reports (one `BENCH_RESULT {json}` line on stdout), and imapflow's structure in message-parts' shape.
 */

export interface ImapEnv {
  host: string;
  port: number;
  user: string;
  pass: string;
  mailbox: string;
}

export function imapEnv(env: NodeJS.ProcessEnv = process.env): ImapEnv {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  return { host: need('IMAP_HOST'), port: Number(need('IMAP_PORT')), user: need('IMAP_USER'), pass: need('IMAP_PASS'), mailbox: env.IMAP_MAILBOX ?? 'INBOX' };
}

export function report(result: Record<string, unknown>): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

export function structureOf(node: MessageStructureObject): StructureNode {
  return {
    part: node.part, type: node.type, parameters: node.parameters, disposition: node.disposition,
    dispositionParameters: node.dispositionParameters, size: node.size, encoding: node.encoding,
    childNodes: node.childNodes?.map(structureOf),
  };
}

/** The service's defaults (src/app.ts planLimits with PART_MAX_BYTES unset). */
export const DEFAULT_LIMITS = { partMaxBytes: 25 * 1024 * 1024, forwardedWholeMaxBytes: 10 * 1024 * 1024, maxParts: 200 };
