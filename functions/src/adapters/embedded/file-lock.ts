/**
 * A lock file per object, taken with `O_CREAT | O_EXCL` (`open(…, 'wx')`), so that two processes
 * moving the same object (compare-and-swap, overwrite, delete) take turns. Locks are held for
 * the few milliseconds of a check-and-rename; one left behind by a crashed process is broken
 * after `STALE_LOCK_MS`.
 */
import { createHash } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../../shared/errors.ts';
import { RESERVED_SEGMENT_PREFIX } from '../object-paths.ts';

/** A lock older than this is assumed to belong to a crashed process. */
export const STALE_LOCK_MS = 30_000;

/** Give up waiting for a lock after this long (a TransientError: retrying may work). */
export const LOCK_WAIT_MS = 15_000;

/** The lock file guarding `file` (same folder, reserved name, bounded length). */
export function lockFileOf(file: string): string {
  const hash = createHash('sha256').update(path.basename(file)).digest('hex').slice(0, 24);
  return path.join(path.dirname(file), `${RESERVED_SEGMENT_PREFIX}lock-${hash}`);
}

/** Run `fn` while holding the lock of `file`; the lock is released even when `fn` throws. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockFileOf(file);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = 1;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      await breakIfStale(lock);
      if (Date.now() > deadline) {
        throw new TransientError(`Timed out waiting for the lock of ${file}`, { stage: 'storage', details: { lock } });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

async function breakIfStale(lock: string): Promise<void> {
  try {
    const info = await stat(lock);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) await rm(lock, { force: true });
  } catch {
    // released meanwhile
  }
}
