/**
 * Reading one small JSON object of the registry (pointer, binding, validation record) against its
 * schema: missing is null, unreadable or off-schema is a DataError naming the path. One read, no
 * separate existence check (a round trip saved on Cloud Storage).
 */
import type { z } from 'zod';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { DataError, NotFoundError } from '../shared/errors.ts';

/** The object at `path` parsed with `schema`, or null when there is none. */
export async function readStoredJson<T>(store: ArtifactStore, path: string, schema: z.ZodType<T>): Promise<T | null> {
  let raw: unknown;
  try {
    raw = JSON.parse((await store.get(path)).toString('utf8'));
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw new DataError(`${path} is not valid JSON`, { stage: 'train', code: 'REGISTRY_CORRUPT', details: { path }, cause: err });
  }
  const res = schema.safeParse(raw);
  if (!res.success) throw new DataError(`${path} does not match its schema: ${res.error.issues[0]?.message}`, { stage: 'train', code: 'REGISTRY_CORRUPT', details: { path } });
  return res.data;
}
