/**
 * The cloud artefact store on a Cloud Storage bucket. Uploads are single requests (atomic by
 * nature: an object appears whole or not at all); `ifGenerationMatch` maps onto GCS's own
 * precondition, `0` meaning "must not exist". HTTP errors become pipeline errors: 412 →
 * ConflictError, 404 → NotFoundError, 429/5xx → TransientError.
 */
import type { Bucket, File, FileMetadata } from '@google-cloud/storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore, ObjectInfo, PutOptions } from '../../ports/artifact-store.ts';
import { ConflictError, NotFoundError, TransientError, describeError, isTransient } from '../../shared/errors.ts';
import { checkObjectPath, checkPrefix } from '../object-paths.ts';

const status = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

/** An ArtifactStore on a Cloud Storage bucket. */
export class GcsArtifactStore implements ArtifactStore {
  readonly root: string;
  readonly #bucket: Bucket;

  /** Use `bucket` (honours STORAGE_EMULATOR_HOST through the client). */
  constructor(bucket: Bucket) {
    this.#bucket = bucket;
    this.root = `gs://${bucket.name}`;
  }

  #file(path: string): File {
    return this.#bucket.file(checkObjectPath(path));
  }

  /** Write a whole object in one request (no resumable session for small objects). */
  async put(path: string, data: string | Uint8Array, opts: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.#file(path);
    try {
      await file.save(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        resumable: false,
        contentType: opts.contentType,
        ...preconditions(opts),
      });
    } catch (err) {
      throw mapError(err, path, opts);
    }
    return infoOf(path, file.metadata);
  }

  /** Stream an object up (constant memory); it appears only when the upload completes. */
  async putStream(path: string, source: Readable | AsyncIterable<string | Uint8Array>, opts: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.#file(path);
    const input = source instanceof Readable ? source : Readable.from(source);
    try {
      await pipeline(input, file.createWriteStream({ resumable: false, contentType: opts.contentType, ...preconditions(opts) }));
    } catch (err) {
      throw mapError(err, path, opts);
    }
    return infoOf(path, file.metadata);
  }

  /** Read a whole object. */
  async get(path: string): Promise<Buffer> {
    try {
      const [data] = await this.#file(path).download();
      return data;
    } catch (err) {
      throw mapError(err, path);
    }
  }

  /** Stream an object down; checks it exists first, so a missing object fails here, not mid-stream. */
  async getStream(path: string): Promise<Readable> {
    const file = this.#file(path);
    try {
      const [metadata] = await file.getMetadata();
      // Read the generation just checked, so a concurrent overwrite cannot mix two versions.
      return this.#bucket.file(file.name, { generation: metadata.generation }).createReadStream();
    } catch (err) {
      throw mapError(err, path);
    }
  }

  /** Info of an object, or null. */
  async stat(path: string): Promise<ObjectInfo | null> {
    try {
      const [metadata] = await this.#file(path).getMetadata();
      return infoOf(path, metadata);
    } catch (err) {
      if (status(err) === 404) return null;
      throw mapError(err, path);
    }
  }

  /** True when the object exists. */
  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  /** Objects under a prefix; GCS lists in lexicographic order already. */
  async list(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(prefix);
    try {
      const [files] = await this.#bucket.getFiles({ prefix, autoPaginate: true });
      return files.map((f) => infoOf(f.name, f.metadata)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    } catch (err) {
      throw mapError(err, prefix);
    }
  }

  /** Delete; missing is fine. */
  async delete(path: string): Promise<void> {
    try {
      await this.#file(path).delete({ ignoreNotFound: true });
    } catch (err) {
      throw mapError(err, path);
    }
  }
}

function preconditions(opts: PutOptions): { preconditionOpts?: { ifGenerationMatch: number } } {
  return opts.ifGenerationMatch === undefined ? {} : { preconditionOpts: { ifGenerationMatch: Number(opts.ifGenerationMatch) } };
}

function infoOf(path: string, metadata: FileMetadata): ObjectInfo {
  return {
    path,
    size: Number(metadata.size ?? 0),
    generation: String(metadata.generation ?? ''),
    updated: new Date(metadata.updated ?? metadata.timeCreated ?? 0),
  };
}

function mapError(err: unknown, path: string, opts: PutOptions = {}): unknown {
  const code = status(err);
  const details = { path, status: typeof code === 'number' ? code : String(code) };
  if (code === 412) {
    return new ConflictError(`Precondition failed for ${path}: generation is not ${opts.ifGenerationMatch}`, { stage: 'storage', details, cause: err });
  }
  if (code === 404) return new NotFoundError(`Object ${path} not found`, { stage: 'storage', details, cause: err });
  if (isTransient(err) || (typeof code === 'number' && code >= 500)) {
    return new TransientError(`Cloud Storage error on ${path}: ${describeError(err)}`, { stage: 'storage', details, cause: err });
  }
  return err;
}
