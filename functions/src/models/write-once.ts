/**
 * Write-once puts that tolerate a replay: writing the exact bytes already stored is a success
 * (a redelivered message re-deriving the same deterministic file), any other content at the
 * path is a ConflictError. Nothing is ever overwritten.
 */
import { createHash } from 'node:crypto';
import type { ArtifactStore, ObjectInfo } from '../ports/artifact-store.ts';
import { ConflictError } from '../shared/errors.ts';

/** Hex sha256 of some bytes or text. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Put `data` at `path` unless it exists; identical existing content counts as written. */
export async function putOnce(store: ArtifactStore, path: string, data: string | Uint8Array, contentType = 'application/json'): Promise<ObjectInfo> {
  try {
    return await store.put(path, data, { ifGenerationMatch: '0', contentType });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const existing = await store.get(path);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (existing.equals(bytes)) {
      const info = await store.stat(path);
      if (info) return info;
    }
    throw new ConflictError(`Refusing to overwrite ${path}: it exists with different content`, { stage: 'train', details: { path }, cause: err });
  }
}

/** Stable JSON text (two-space indent, trailing newline) used for every bundle file. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
