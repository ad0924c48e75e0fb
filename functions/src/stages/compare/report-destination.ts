/**
 * Where an exported comparison goes: a local folder (the CLI's `--export-report <dir>`) or a
 * prefix of the artefact store (the pipeline). Both replace a file atomically — a reader sees the
 * old file or the new one, never half — and both overwrite without a precondition, so a second
 * export of the same report simply replaces the first.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../../ports/artifact-store.ts';

/** A folder (created when missing) or a prefix of a bucket (`reports/<runId>`). */
export type ReportDestination = { kind: 'dir'; dir: string } | { kind: 'store'; store: ArtifactStore; prefix: string };

/** The files of one export, addressed by their name inside it (`charts/confusion.svg`). */
export interface ReportSink {
  /** The export's location as recorded in the report: an absolute folder, or the bucket prefix. */
  readonly location: string;
  /** Where a file is, as recorded in the report: an absolute file path, or a bucket-relative object path. */
  locate(name: string): string;
  /** Write (or replace) one file. */
  write(name: string, data: string, contentType: string): Promise<void>;
  /** Remove one file; a missing file is not an error. */
  remove(name: string): Promise<void>;
}

/** Write a file through a temporary sibling and a rename, creating its folder when missing. */
async function atomicWrite(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, data, { flush: true });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

function folderSink(dir: string): ReportSink {
  const root = path.resolve(dir);
  const locate = (name: string) => path.join(root, ...name.split('/'));
  return {
    location: root,
    locate,
    write: (name, data) => atomicWrite(locate(name), data),
    remove: (name) => rm(locate(name), { force: true }),
  };
}

function storeSink(store: ArtifactStore, prefix: string): ReportSink {
  const base = prefix.replace(/\/+$/, '');
  const locate = (name: string) => (base ? `${base}/${name}` : name);
  return {
    location: base,
    locate,
    write: async (name, data, contentType) => {
      await store.put(locate(name), data, { contentType });
    },
    remove: (name) => store.delete(locate(name)),
  };
}

/** The sink of a destination. */
export function openReportSink(dest: ReportDestination): ReportSink {
  return dest.kind === 'dir' ? folderSink(dest.dir) : storeSink(dest.store, dest.prefix);
}
