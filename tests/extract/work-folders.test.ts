import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepOrphanedWork } from '../../src/extract/legacy-convert.ts';
import { ownerAlive, ownerTag, startTicks } from '../../src/extract/work-owner.ts';

/**
 * LibreOffice work folders of a killed worker do not stay in /tmp (issue 14 §8), also when the restarted worker has
 * the same pid (PID 1 in the Docker image, after every restart): a folder names its owner by pid and start time.
 */

describe('work folder owners', () => {
  it('tags this process by pid and start time', () => {
    expect(ownerTag()).toBe(`${process.pid}.${startTicks('self')}`);
    expect(ownerAlive(ownerTag())).toBe(true);
  });

  it('sweeps the folders of gone processes, a same-pid predecessor\'s among them, and keeps live ones\'', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-sweep-'));
    try {
      const live = `${sleeper.pid}.${startTicks(sleeper.pid!)}`;
      const names = {
        mine: `contest-lo-${ownerTag()}-aaaa`,
        myProfile: `contest-lo-profile-${ownerTag()}-bbbb`,
        samePidEarlier: `contest-lo-${process.pid}.1-cccc`,
        samePidOldNaming: `contest-lo-profile-${process.pid}-dddd`,
        liveOther: `contest-lo-${live}-eeee`,
        pidReusedByOther: `contest-lo-${sleeper.pid}.1-ffff`,
        dead: 'contest-lo-4194300.12345-gggg',
        notOurs: 'something-else',
      };
      for (const n of Object.values(names)) mkdirSync(path.join(dir, n));
      const removed = await sweepOrphanedWork(dir);
      expect(removed.sort()).toEqual([names.samePidEarlier, names.samePidOldNaming, names.pidReusedByOther, names.dead].sort());
      expect(readdirSync(dir).sort()).toEqual([names.mine, names.myProfile, names.liveOther, names.notOurs].sort());
    } finally {
      sleeper.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
