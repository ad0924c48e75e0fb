/** A minimal valid manifest for registry tests (no real models behind it). */
import type { Manifest } from '../../functions/src/models/manifest.ts';

/** A manifest for `version`. */
export function fakeManifest(version: string): Manifest {
  return {
    schemaVersion: 1,
    version,
    createdAt: '2026-11-01T00:00:00.000Z',
    strategy: 'full',
    parentVersion: null,
    runId: 'run_fake',
    data: { path: 'datasets/x.csv', sha256: '0'.repeat(64), rows: 1, metadataPath: null },
    oldData: null,
    features: ['feature_0'],
    configHash: 'h',
    seed: 1,
    codeVersion: 'test',
    engine: { name: 'xgboost-ts', models: {} },
    samples: { total: 1, train: 1, heldOut: 0, oldData: 0 },
    metrics: {},
    summary: { meanAccuracy: 0, meanLogloss: 0, meanRmse: 0 },
    evaluation: null,
    tuning: null,
    timings: {},
    files: [],
  };
}
