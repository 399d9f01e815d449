import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Content-addressed archive of everything downloaded (header blocks, bodies, attachments), so any message can be
 * processed again without the mailbox. Files are named by their sha256, never by a name from the mail.
 */
export class Archive {
  /** Temporary names must differ between writes in flight: one message can hold the same content twice. */
  private writes = 0;

  constructor(private readonly root: string) {}

  static keyOf(content: Buffer | string): string {
    return createHash('sha256').update(content).digest('hex');
  }

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not an archive key: ${key.slice(0, 80)}`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  put(content: Buffer | string): string {
    const key = Archive.keyOf(content);
    const file = this.pathOf(key);
    if (existsSync(file)) return key;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written under a temporary name and renamed, so a crash never leaves a truncated file under a valid key.
    const tmp = `${file}.${process.pid}.${this.writes++}.tmp`;
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, file);
    return key;
  }

  /**
   * Several contents at once (a message's parts, before its record is committed), written concurrently on libuv's
   * threads: creating a file can take milliseconds on a busy disk, and the main thread has other work meanwhile.
   */
  putMany(contents: ReadonlyArray<Buffer | string>): Promise<string[]> {
    return Promise.all(contents.map(async (content) => {
      const key = Archive.keyOf(content);
      const file = this.pathOf(key);
      if (existsSync(file)) return key;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.${this.writes++}.tmp`;
      await writeFile(tmp, content, { mode: 0o600 });
      await rename(tmp, file);
      return key;
    }));
  }

  get(key: string): Buffer {
    return readFileSync(this.pathOf(key));
  }

  has(key: string): boolean {
    return existsSync(this.pathOf(key));
  }
}
