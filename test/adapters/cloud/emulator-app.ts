/**
 * A firebase-admin app of its own for a cloud adapter test file, pointed at the emulators that
 * `npm test` starts (FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST), or a reason to skip.
 */
import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';

/** Why the Firestore tests cannot run here, or false when they can. */
export const skipFirestore: string | false = process.env.FIRESTORE_EMULATOR_HOST
  ? false
  : 'FIRESTORE_EMULATOR_HOST is not set: run `npm test` (starts the Firestore emulator) to test the Firestore adapters';

/** Why the Pub/Sub tests cannot run here, or false when they can. */
export const skipPubSub: string | false = process.env.PUBSUB_EMULATOR_HOST
  ? false
  : 'PUBSUB_EMULATOR_HOST is not set: run `npm test` (starts the Pub/Sub emulator) to test the Pub/Sub adapter';

/** Why the Cloud Storage tests cannot run here, or false when they can. */
export const skipStorage: string | false = process.env.STORAGE_EMULATOR_HOST
  ? false
  : 'STORAGE_EMULATOR_HOST is not set (no Cloud Storage emulator runs offline here): Cloud Storage adapter tests skipped';

/** The emulator project id. */
export const projectId = process.env.GCLOUD_PROJECT ?? 'demo-adaptive-ui';

/** A uniquely named app (deleted with `close`, which also ends its Firestore connections). */
export function testApp(): { app: App; close: () => Promise<void> } {
  const app = initializeApp({ projectId, storageBucket: `${projectId}-test` }, `adapter-test-${randomUUID()}`);
  return { app, close: () => deleteApp(app) };
}
