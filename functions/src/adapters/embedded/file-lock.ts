/**
 * A lock file per object, taken with `O_CREAT | O_EXCL` (`open(…, 'wx')`), so that two processes
 * moving the same object (compare-and-swap, overwrite, delete) take turns. Locks are held for
 * the few milliseconds of a check-and-rename.
 *
 * The lock file says who holds it and until when: `{ pid, host, acquiredAt, expiresAt, token }`.
 * A waiter breaks a lock at once when its owner is a process of this host that no longer runs
 * (a crash, `kill -9`), and any lock once its lease has expired (an owner on another host, or a
 * pid taken by another process since). The wait lasts longer than the lease, so a stale lock is
 * always broken before a waiter gives up.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../../shared/errors.ts';
import { processRuns } from '../../shared/process-liveness.ts';
import { RESERVED_SEGMENT_PREFIX } from '../object-paths.ts';

/**
 * How long a lock counts as held by a live owner we cannot check (another host). A lock is held
 * for a check, a rename and a folder fsync: milliseconds; 20 s leaves room for a stalled disk.
 */
export const LOCK_LEASE_MS = 20_000;

/** Give up waiting for a lock after this long (a TransientError: retrying may work); > the lease. */
export const LOCK_WAIT_MS = 3 * LOCK_LEASE_MS;

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string | null;
  acquiredAt: number;
  expiresAt: number;
  token: string;
}

/** Tuning of one lock call (tests shorten them). */
export interface FileLockOptions {
  leaseMs?: number;
  waitMs?: number;
}

/** The lock file guarding `file` (same folder, reserved name, bounded length). */
export function lockFileOf(file: string): string {
  const hash = createHash('sha256').update(path.basename(file)).digest('hex').slice(0, 24);
  return path.join(path.dirname(file), `${RESERVED_SEGMENT_PREFIX}lock-${hash}`);
}

/** Run `fn` while holding the lock of `file`; the lock is released even when `fn` throws. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const leaseMs = opts.leaseMs ?? LOCK_LEASE_MS;
  const lock = lockFileOf(file);
  const deadline = Date.now() + (opts.waitMs ?? LOCK_WAIT_MS);
  let delay = 1;
  let token: string;
  for (;;) {
    try {
      token = await acquire(lock, leaseMs);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await breakIfStale(lock)) continue;
      if (Date.now() > deadline) {
        const owner = await readOwner(lock);
        throw new TransientError(`Timed out waiting for the lock of ${file}${owner ? ` (held by pid ${owner.pid} on ${owner.host ?? 'an unknown host'})` : ''}`, {
          stage: 'storage',
          details: { lock, ...(owner ? { pid: owner.pid, host: owner.host } : {}) },
        });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: after a lease expired another process may hold it now.
    if ((await readOwner(lock))?.token === token) await rm(lock, { force: true });
  }
}

async function acquire(lock: string, leaseMs: number): Promise<string> {
  const now = Date.now();
  const owner: LockOwner = { pid: process.pid, host: hostname(), acquiredAt: now, expiresAt: now + leaseMs, token: randomUUID() };
  const handle = await open(lock, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
  } finally {
    await handle.close();
  }
  return owner.token;
}

/**
 * The owner written in a lock file, or null when it cannot be read (gone, or being written). A
 * lock of the previous format (`<pid>\n`) has a pid only; its lease counts from its mtime.
 */
export async function readOwner(lock: string): Promise<LockOwner | null> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([readFile(lock, 'utf8'), stat(lock).then((s) => s.mtimeMs)]);
  } catch {
    return null;
  }
  if (/^\d+\n?$/.test(text)) return { pid: Number(text), host: null, acquiredAt: mtimeMs, expiresAt: mtimeMs + LOCK_LEASE_MS, token: `legacy-${mtimeMs}` };
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(o.pid) && Number.isFinite(o.expiresAt) && typeof o.token === 'string') {
      return { pid: o.pid!, host: typeof o.host === 'string' ? o.host : null, acquiredAt: Number(o.acquiredAt) || mtimeMs, expiresAt: o.expiresAt!, token: o.token };
    }
  } catch {
    // half-written or garbage: judged by age below
  }
  return null;
}

/**
 * Why a lock is stale, or null while it may still be held: its owner (a process of this host, or
 * of the previous lock format, which was written on this host) is gone, its lease expired, or it
 * could not be read and is older than a lease.
 */
export async function staleReason(lock: string, now = Date.now()): Promise<string | null> {
  const owner = await readOwner(lock);
  if (!owner) {
    try {
      const age = now - (await stat(lock)).mtimeMs;
      return age > LOCK_LEASE_MS ? `unreadable lock older than ${LOCK_LEASE_MS} ms` : null;
    } catch {
      return null; // released meanwhile
    }
  }
  if ((owner.host === null || owner.host === hostname()) && !processRuns(owner.pid)) return `owner pid ${owner.pid} is not running`;
  if (now > owner.expiresAt) return `lease expired ${new Date(owner.expiresAt).toISOString()}`;
  return null;
}

/**
 * Break a stale lock; true when it was broken (or vanished). The lock is first moved aside
 * (atomic), then its owner compared with the stale one judged: should a fresh lock have been
 * taken in between, it is put back.
 */
async function breakIfStale(lock: string): Promise<boolean> {
  const judged = await readOwner(lock);
  if ((await staleReason(lock)) === null) return false;
  const aside = `${lock}-stale-${randomUUID()}`;
  try {
    await rename(lock, aside);
  } catch {
    return true; // gone already: try to take it
  }
  const moved = await readOwner(aside);
  if (judged && moved && moved.token !== judged.token) {
    // A live lock was taken between our check and the move: give it back.
    await link(aside, lock).catch(() => {});
  }
  await rm(aside, { force: true });
  return true;
}
