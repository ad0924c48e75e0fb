/**
 * How the Cloud Storage adapter maps the client's HTTP errors and passes preconditions, checked
 * offline against a stand-in for the client's Bucket (no Cloud Storage emulator runs here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bucket } from '@google-cloud/storage';
import { GcsArtifactStore } from '../../../functions/src/adapters/cloud/gcs-artifact-store.ts';
import { ConflictError, DataError, NotFoundError, TransientError } from '../../../functions/src/shared/errors.ts';

const httpError = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

/** A Bucket whose every call fails with `fail` (or succeeds), recording the options it got. */
function fakeBucket(fail?: Error): { bucket: Bucket; calls: unknown[] } {
  const calls: unknown[] = [];
  const result = async (value: unknown) => {
    if (fail) throw fail;
    return value;
  };
  const file = (name: string) => ({
    name,
    metadata: { size: '2', generation: '1700000000000001', updated: '2026-01-01T00:00:00.000Z' },
    save: (_data: unknown, opts: unknown) => (calls.push(opts), result(undefined)),
    download: () => result([Buffer.from('hi')]),
    getMetadata: () => result([{ size: '2', generation: '7', updated: '2026-01-01T00:00:00.000Z' }]),
    delete: (opts: unknown) => (calls.push(opts), result(undefined)),
  });
  const bucket = { name: 'b', file, getFiles: () => result([[]]) } as unknown as Bucket;
  return { bucket, calls };
}

describe('GcsArtifactStore error mapping', () => {
  it('passes ifGenerationMatch as a number and writes small objects without a resumable session', async () => {
    const { bucket, calls } = fakeBucket();
    const store = new GcsArtifactStore(bucket);
    const info = await store.put('a/b.json', '{}', { ifGenerationMatch: '0', contentType: 'application/json' });
    assert.deepEqual(calls[0], { resumable: false, contentType: 'application/json', preconditionOpts: { ifGenerationMatch: 0 } });
    assert.deepEqual(info, { path: 'a/b.json', size: 2, generation: '1700000000000001', updated: new Date('2026-01-01T00:00:00.000Z') });
    assert.equal(store.root, 'gs://b');
  });

  const cases: [number, new (...args: never[]) => Error][] = [
    [412, ConflictError],
    [404, NotFoundError],
    [429, TransientError],
    [503, TransientError],
  ];
  for (const [code, type] of cases) {
    it(`maps HTTP ${code} to ${type.name}`, async () => {
      const store = new GcsArtifactStore(fakeBucket(httpError(code)).bucket);
      await assert.rejects(store.put('x', 'y', { ifGenerationMatch: '5' }), type);
    });
  }

  it('reads a missing object as NotFoundError, stats it as null, and passes other errors through', async () => {
    const store = new GcsArtifactStore(fakeBucket(httpError(404)).bucket);
    await assert.rejects(store.get('x'), NotFoundError);
    await assert.rejects(store.getStream('x'), NotFoundError);
    assert.equal(await store.stat('x'), null);
    assert.equal(await store.exists('x'), false);
    await assert.rejects(new GcsArtifactStore(fakeBucket(httpError(403)).bucket).get('x'), /HTTP 403/);
  });

  it('validates paths before calling the client', async () => {
    const { bucket, calls } = fakeBucket();
    await assert.rejects(new GcsArtifactStore(bucket).put('../x', 'y'), DataError);
    assert.equal(calls.length, 0);
  });
});
