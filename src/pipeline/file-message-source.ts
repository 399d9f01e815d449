import { listEmlFiles, readEmlFile } from '../mailbox/eml-folder-source.ts';
import type { IncomingMessage } from '../mailbox/incoming-message.ts';
import type { PlanLimits } from '../mailbox/message-parts.ts';
import { describeError } from '../errors.ts';
import type { Candidate, MessageSource } from './ingest-loop.ts';

/**
 * A folder of .eml files (the demo mailbox, `import`, a folder exported from webmail) as a MessageSource: the
 * same loop as the IMAP mailbox. A file that cannot even be parsed is not a message to record (there are no
 * headers to record it by): it is reported, and the import says which.
 */
export class FileMessageSource implements MessageSource {
  readonly files: string[];
  readonly unreadable: { file: string; error: string }[] = [];
  private at = 0;

  constructor(target: string, private readonly limits: PlanLimits, private readonly onUnreadable: (file: string, error: string) => void) {
    this.files = listEmlFiles(target);
  }

  async next(): Promise<Candidate | null> {
    while (this.at < this.files.length) {
      const file = this.files[this.at++]!;
      let msg: IncomingMessage;
      try {
        msg = await readEmlFile(file, this.limits);
      } catch (err) {
        this.unreadable.push({ file, error: describeError(err) });
        this.onUnreadable(file, describeError(err));
        continue;
      }
      return {
        label: file,
        contentHash: msg.contentHash,
        position: null,
        envelope: async () => msg,
        load: async () => ({ msg }),
      };
    }
    return null;
  }
}
