import { describe } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { GcsArtifactStore } from '../../../functions/src/adapters/cloud/gcs-artifact-store.ts';
import { runArtifactStoreContract } from '../contracts/artifact-store.contract.ts';
import { projectId, skipStorage } from './emulator-app.ts';

if (skipStorage) {
  describe('GcsArtifactStore', { skip: skipStorage }, () => {});
} else {
  const bucket = new Storage({ projectId }).bucket(process.env.TEST_BUCKET ?? `${projectId}.appspot.com`);
  runArtifactStoreContract('GcsArtifactStore', async () => {
    const [exists] = await bucket.exists();
    if (!exists) await bucket.create();
    return new GcsArtifactStore(bucket);
  });
}
