import { readFileSync } from 'node:fs';

/**
 * Who owns a LibreOffice work folder, so that the folders of a killed process are swept and a live one's never are.
 * A pid alone cannot tell: in the Docker image the worker is PID 1 after every restart, so a restarted worker took
 * the folders its killed predecessor left as its own and never removed them. The owner is the pid and the
 * process's start time (clock ticks since boot, /proc/<pid>/stat field 22), which no later process shares.
 */

/** Start time of a process, or null where /proc does not tell (not Linux, or the process is gone). */
export function startTicks(pid: number | 'self'): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    return ticks && /^\d+$/.test(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

const mine = `${process.pid}${startTicks('self') ? `.${startTicks('self')}` : ''}`;

/** This process's tag, as work folder names carry it: `1234.567890` (pid.start), or `1234` where /proc is missing. */
export function ownerTag(): string {
  return mine;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the process a tag names still runs: same pid and, where known, the same start time. */
export function ownerAlive(tag: string): boolean {
  if (tag === mine) return true;
  const [pidText, ticks] = tag.split('.');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return false;
  if (ticks === undefined) return pid !== process.pid;
  const now = startTicks(pid);
  return now === null || now === ticks;
}
