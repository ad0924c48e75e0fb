/**
 * Where a dataset is written: a bucket path through the artefact store (pipeline, `gs://` CLI
 * output) or a local file (CLI). Both write each object atomically (a reader never sees half a
 * CSV) and stream the CSV, so memory stays flat whatever the row count. Beside `<name>.csv` go
 * `<name>_validation.json` and `<name>_metadata.json`; the metadata is written last.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { ConflictError } from '../../shared/errors.ts';

/** The three objects of a dataset and how to write them. */
export interface DatasetTarget {
  /** Locations as recorded in the metadata (bucket-relative path or file path). */
  readonly csvPath: string;
  readonly reportPath: string;
  readonly metadataPath: string;
  /** A human-readable location of the CSV (`gs://…/x.csv`, `/abs/x.csv`). */
  readonly display: string;
  writeCsv(source: AsyncIterable<Uint8Array>): Promise<void>;
  writeReport(json: string): Promise<void>;
  writeMetadata(json: string): Promise<void>;
}

/** `<dir>/<name>.csv` → `<dir>/<name><suffix>` (e.g. `_metadata.json`). */
export function siblingPath(csvPath: string, suffix: string): string {
  return `${csvPath.replace(/\.csv$/i, '')}${suffix}`;
}

/** Sibling names of a dataset's objects. */
export const METADATA_SUFFIX = '_metadata.json';
export const REPORT_SUFFIX = '_validation.json';

/** Preconditions of a bucket target (see the collector's redelivery rules). */
export interface ArtifactTargetOptions {
  /** Generation the CSV must still have (`'0'`: must not exist); unset: overwrite. */
  csvIfGenerationMatch?: string;
  /**
   * Metadata write-once (`ifGenerationMatch: '0'`): a second writer gets a ConflictError. The CSV
   * is also checked to still be the one this target wrote, so metadata never describes a CSV
   * another writer replaced in between.
   */
  metadataWriteOnce?: boolean;
}

/** A dataset in the artefact store at bucket-relative `csvPath`. */
export function artifactTarget(store: ArtifactStore, csvPath: string, opts: ArtifactTargetOptions = {}): DatasetTarget {
  const reportPath = siblingPath(csvPath, REPORT_SUFFIX);
  const metadataPath = siblingPath(csvPath, METADATA_SUFFIX);
  const json = 'application/json';
  let csvGeneration: string | null = null;
  return {
    csvPath,
    reportPath,
    metadataPath,
    display: `${store.root.replace(/\/$/, '')}/${csvPath}`,
    async writeCsv(source) {
      const info = await store.putStream(csvPath, source, { contentType: 'text/csv', ifGenerationMatch: opts.csvIfGenerationMatch });
      csvGeneration = info.generation;
    },
    async writeReport(text) {
      await store.put(reportPath, text, { contentType: json });
    },
    async writeMetadata(text) {
      if (opts.metadataWriteOnce && csvGeneration !== null) {
        const now = await store.stat(csvPath);
        if (now?.generation !== csvGeneration) {
          throw new ConflictError(`${csvPath} was replaced by another writer before its metadata was written`, {
            stage: 'collect',
            details: { csvPath, wrote: csvGeneration, found: now?.generation ?? null },
          });
        }
      }
      await store.put(metadataPath, text, { contentType: json, ifGenerationMatch: opts.metadataWriteOnce ? '0' : undefined });
    },
  };
}

/** Write a file atomically: a temporary sibling, then a rename over the target. */
async function atomicWrite(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await write(tmp);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A dataset as local files; existing files are replaced (as the original script did). */
export function fileTarget(csvFile: string): DatasetTarget {
  const csvPath = path.resolve(csvFile);
  const reportPath = siblingPath(csvPath, REPORT_SUFFIX);
  const metadataPath = siblingPath(csvPath, METADATA_SUFFIX);
  const writeText = (file: string, text: string) => atomicWrite(file, (tmp) => writeFile(tmp, text, { flush: true }));
  return {
    csvPath,
    reportPath,
    metadataPath,
    display: csvPath,
    writeCsv: (source) => atomicWrite(csvPath, (tmp) => pipeline(Readable.from(source), createWriteStream(tmp, { flush: true }))),
    writeReport: (text) => writeText(reportPath, text),
    writeMetadata: (text) => writeText(metadataPath, text),
  };
}
