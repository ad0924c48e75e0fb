/**
 * Lock files of the folder store: a lock left by a crashed process is taken over at once, a live
 * owner's is respected until its lease expires, and the wait always outlasts the lease.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LOCK_LEASE_MS, LOCK_WAIT_MS, lockFileOf, staleReason, withFileLock } from '../../../functions/src/adapters/embedded/file-lock.ts';
import { FolderArtifactStore } from '../../../functions/src/adapters/embedded/folder-artifact-store.ts';
import { TransientError } from '../../../functions/src/shared/errors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'file-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (a crashed writer). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(file: string, owner: Record<string, unknown> | string): string {
  const lock = lockFileOf(file);
  writeFileSync(lock, typeof owner === 'string' ? owner : JSON.stringify(owner));
  return lock;
}

const hour = 3_600_000;

describe('withFileLock', () => {
  it('waits longer than a lock lease lasts', () => {
    assert.ok(LOCK_WAIT_MS > LOCK_LEASE_MS);
  });

  it('takes over at once a lock whose owner process on this host is dead, even within its lease', async () => {
    const file = path.join(dir, 'dead-owner.json');
    writeLock(file, { pid: deadPid(), host: hostname(), acquiredAt: Date.now(), expiresAt: Date.now() + hour, token: 't' });
    // A wait far shorter than the lease: only a dead-owner check can get the lock in time.
    const got = await withFileLock(file, async () => 'held', { waitMs: 1000 });
    assert.equal(got, 'held');
  });

  it('takes over a lock of the previous format (a bare pid) left by a dead process', async () => {
    const file = path.join(dir, 'legacy.json');
    writeLock(file, `${deadPid()}\n`);
    assert.equal(await withFileLock(file, async () => 'held', { waitMs: 1000 }), 'held');
  });

  it('respects a live owner within its lease, and names it when it gives up', async () => {
    const file = path.join(dir, 'live-owner.json');
    const lock = writeLock(file, { pid: process.pid, host: hostname(), acquiredAt: Date.now(), expiresAt: Date.now() + hour, token: 'live' });
    const err = await withFileLock(file, async () => 'held', { waitMs: 200 }).catch((e: unknown) => e);
    assert.ok(err instanceof TransientError, String(err));
    assert.match(err.message, new RegExp(`held by pid ${process.pid}`));
    assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 'live');
    rmSync(lock);
  });

  it('breaks a lock whose lease expired, whoever holds it (another host, a reused pid)', async () => {
    const file = path.join(dir, 'expired.json');
    writeLock(file, { pid: process.pid, host: 'other-host', acquiredAt: Date.now() - 2 * hour, expiresAt: Date.now() - hour, token: 'old' });
    assert.equal(await withFileLock(file, async () => 'held', { waitMs: 1000 }), 'held');
  });

  it('does not break a lock of another host within its lease', async () => {
    const file = path.join(dir, 'other-host.json');
    const lock = writeLock(file, { pid: deadPid(), host: 'other-host', acquiredAt: Date.now(), expiresAt: Date.now() + hour, token: 'x' });
    assert.equal(await staleReason(lock), null);
    await assert.rejects(withFileLock(file, async () => 'held', { waitMs: 200 }), TransientError);
    rmSync(lock);
  });

  it('writes its owner and lease into the lock file and removes it afterwards', async () => {
    const file = path.join(dir, 'mine.json');
    const seen = await withFileLock(file, async () => JSON.parse(readFileSync(lockFileOf(file), 'utf8')));
    assert.equal(seen.pid, process.pid);
    assert.equal(seen.host, hostname());
    assert.ok(seen.expiresAt - seen.acquiredAt === LOCK_LEASE_MS);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.~lock') && n.includes(path.basename(lockFileOf(file)))), []);
  });

  it('lets the folder store write an object at once after a writer crashed holding its lock', async () => {
    const store = new FolderArtifactStore(path.join(dir, 'bucket'));
    await store.put('models/v_1/models/css_var_7.json', '{}');
    const file = path.join(store.root, 'models', 'v_1', 'models', 'css_var_7.json');
    writeLock(file, `${deadPid()}\n`);
    const t0 = Date.now();
    await store.put('models/v_1/models/css_var_7.json', '{"a":1}');
    assert.ok(Date.now() - t0 < LOCK_LEASE_MS, 'waited for the lease instead of checking the owner');
    assert.equal((await store.get('models/v_1/models/css_var_7.json')).toString(), '{"a":1}');
  });
});
