/**
 * The embedded artefact store: a local folder is the bucket, an object is a file. Every write
 * goes to a temporary file in the target folder (flushed to disk), then is moved into place with
 * `rename` (replace) or `link` (create only: fails when the file exists), so a reader sees the old
 * object, the new one or none. Writes to one object take turns through a lock file.
 *
 * Generation: the file's modification time in microseconds, which each write under the lock sets
 * strictly above the previous version's, so a compare-and-swap can never mistake a newer version
 * for the one it read. Temporary and lock files start with `.~` and are never listed.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type BigIntStats } from 'node:fs';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore, ObjectInfo, PutOptions, ScratchFile, ScratchSweeper } from '../../ports/artifact-store.ts';
import { ConflictError, DataError, NotFoundError } from '../../shared/errors.ts';
import { RESERVED_SEGMENT_PREFIX, checkObjectPath, checkPrefix } from '../object-paths.ts';
import { staleReason, withFileLock } from './file-lock.ts';

const code = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code;

/** An ArtifactStore on a local folder. */
export class FolderArtifactStore implements ArtifactStore, ScratchSweeper {
  readonly root: string;

  /** Use `root` (created on first write) as the bucket. */
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  #file(objectPath: string): string {
    return path.join(this.root, ...checkObjectPath(objectPath).split('/'));
  }

  /** Write a whole object atomically. */
  async put(objectPath: string, data: string | Uint8Array, opts: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.#file(objectPath);
    return await this.#commit(objectPath, file, opts, (temp) => writeFile(temp, data, { flag: 'wx', flush: true }));
  }

  /** Stream an object to a temporary file (constant memory), then commit it like `put`. */
  async putStream(objectPath: string, source: Readable | AsyncIterable<string | Uint8Array>, opts: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.#file(objectPath);
    const input = source instanceof Readable ? source : Readable.from(source);
    return await this.#commit(objectPath, file, opts, (temp) => pipeline(input, createWriteStream(temp, { flags: 'wx', flush: true })));
  }

  async #commit(objectPath: string, file: string, opts: PutOptions, write: (temp: string) => Promise<void>): Promise<ObjectInfo> {
    const dir = path.dirname(file);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw this.#layoutError(objectPath, err);
    }
    const temp = path.join(dir, `${RESERVED_SEGMENT_PREFIX}tmp-${randomUUID()}`);
    try {
      await write(temp);
      return await withFileLock(file, async () => {
        const current = await statFile(file);
        const expected = opts.ifGenerationMatch;
        if (expected !== undefined && (expected === '0' ? current !== null : current === null || generationOf(current) !== expected)) {
          throw new ConflictError(`Precondition failed for ${objectPath}: generation is ${current ? generationOf(current) : '0 (missing)'}, expected ${expected}`, {
            stage: 'storage',
            details: { path: objectPath, expected, actual: current ? generationOf(current) : '0' },
          });
        }
        // Strictly above the version being replaced, so generations never repeat for a path.
        const micros = Math.max(Date.now() * 1000, current ? Number(current.mtimeNs / 1000n) + 2 : 0);
        // utimes takes seconds as a double: ~0.25 µs resolution today, hence the 2 µs step above.
        await utimes(temp, new Date(), micros / 1e6);
        if (current === null) await this.#link(objectPath, temp, file);
        else await rename(temp, file);
        await syncDir(dir);
        return infoOf(objectPath, (await statFile(file))!);
      });
    } catch (err) {
      throw code(err) === 'EISDIR' || code(err) === 'ENOTDIR' ? this.#layoutError(objectPath, err) : err;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Create-only move: `link` fails when the name exists, even if a writer bypassed the lock. */
  async #link(objectPath: string, temp: string, file: string): Promise<void> {
    try {
      await link(temp, file);
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err;
      if (!(await statFile(file))) throw this.#layoutError(objectPath, err);
      throw new ConflictError(`Object ${objectPath} already exists`, { stage: 'storage', details: { path: objectPath }, cause: err });
    }
  }

  #layoutError(objectPath: string, err: unknown): DataError {
    return new DataError(`Object path ${objectPath} clashes with a folder or file of the bucket folder`, {
      stage: 'storage',
      code: 'PATH_CLASH',
      details: { path: objectPath },
      cause: err,
    });
  }

  /** Read a whole object. */
  async get(objectPath: string): Promise<Buffer> {
    try {
      return await readFile(this.#file(objectPath));
    } catch (err) {
      throw notFound(objectPath, err);
    }
  }

  /** Stream an object out; the file is opened first, so a later replacement does not cut the stream. */
  async getStream(objectPath: string): Promise<Readable> {
    try {
      const handle = await open(this.#file(objectPath), 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      }
      return handle.createReadStream();
    } catch (err) {
      throw notFound(objectPath, err);
    }
  }

  /** Info of an object, or null. */
  async stat(objectPath: string): Promise<ObjectInfo | null> {
    const info = await statFile(this.#file(objectPath));
    return info ? infoOf(objectPath, info) : null;
  }

  /** True when the object exists. */
  async exists(objectPath: string): Promise<boolean> {
    return (await this.stat(objectPath)) !== null;
  }

  /** Objects under a prefix, sorted by path; temporary and lock files are skipped. */
  async list(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(prefix);
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const out: ObjectInfo[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(path.join(this.root, ...rel.split('/').filter(Boolean)), { withFileTypes: true });
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        if (entry.name.startsWith(RESERVED_SEGMENT_PREFIX)) continue;
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (prefix.startsWith(`${child}/`) || child.startsWith(prefix)) await walk(child);
        } else if (entry.isFile() && child.startsWith(prefix)) {
          const info = await statFile(path.join(this.root, ...child.split('/')));
          if (info) out.push(infoOf(child, info));
        }
      }
    };
    await walk(base);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Delete an object (under its lock, so it cannot interleave with a compare-and-swap). */
  async delete(objectPath: string): Promise<void> {
    const file = this.#file(objectPath);
    if (!(await statFile(file))) return;
    await withFileLock(file, () => rm(file, { force: true }));
  }

  /** Temporary and lock files anywhere in the bucket folder (left by crashed writers, or in use). */
  async scratchFiles(): Promise<ScratchFile[]> {
    const out: ScratchFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(full);
          continue;
        }
        const kind = entry.name.startsWith(`${RESERVED_SEGMENT_PREFIX}tmp-`) ? 'temp' : entry.name.startsWith(`${RESERVED_SEGMENT_PREFIX}lock-`) ? 'lock' : null;
        if (!kind || !entry.isFile()) continue;
        const info = await stat(full).catch(() => null);
        if (!info) continue;
        out.push({ location: full, kind, modified: info.mtime, staleReason: kind === 'lock' ? await staleReason(full) : null });
      }
    };
    await walk(this.root);
    return out.sort((a, b) => (a.location < b.location ? -1 : 1));
  }

  /** Remove one scratch file (only inside this bucket folder, only reserved names). */
  async removeScratch(file: ScratchFile): Promise<void> {
    const rel = path.relative(this.root, file.location);
    if (rel.startsWith('..') || path.isAbsolute(rel) || !path.basename(file.location).startsWith(RESERVED_SEGMENT_PREFIX)) {
      throw new DataError(`${file.location} is not a scratch file of ${this.root}`, { stage: 'storage', details: { location: file.location } });
    }
    await rm(file.location, { force: true });
  }
}

/** The generation token of a file: its modification time in microseconds. */
function generationOf(info: BigIntStats): string {
  return String(info.mtimeNs / 1000n);
}

function infoOf(objectPath: string, info: BigIntStats): ObjectInfo {
  return { path: objectPath, size: Number(info.size), generation: generationOf(info), updated: new Date(Number(info.mtimeNs / 1_000_000n)) };
}

/** Stats of a regular file, or null when there is none (missing, or a folder). */
async function statFile(file: string): Promise<BigIntStats | null> {
  try {
    const info = await stat(file, { bigint: true });
    return info.isFile() ? info : null;
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function notFound(objectPath: string, err: unknown): unknown {
  const c = code(err);
  if (c !== 'ENOENT' && c !== 'ENOTDIR' && c !== 'EISDIR') return err;
  return new NotFoundError(`Object ${objectPath} not found`, { stage: 'storage', details: { path: objectPath }, cause: err });
}
