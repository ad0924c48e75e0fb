/** Whether a process of this machine still runs: how a crashed holder (lock, stage claim) is told from a slow one. */

/** True when a process with this pid runs on this machine (this process always does). */
export function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
