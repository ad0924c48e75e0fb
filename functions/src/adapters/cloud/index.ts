/**
 * The cloud backend: Firestore for logs and records, Cloud Storage for artefacts, Pub/Sub for
 * messages; Firestore through the firebase-admin app (initialised once per process). The clients honour
 * the emulator variables by themselves: FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST,
 * STORAGE_EMULATOR_HOST. The project is GCLOUD_PROJECT (or GOOGLE_CLOUD_PROJECT) when set, as
 * inside Cloud Functions and emulators, else `pipeline.projectId`.
 */
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import type { RetrainingConfig } from '../../config/schema.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { Ports } from '../../ports/index.ts';
import { FirestoreLogStore } from './firestore-log-store.ts';
import { FirestoreRecordStore } from './firestore-record-store.ts';
import { GcsArtifactStore } from './gcs-artifact-store.ts';
import { PubSubMessageBus, type PubSubBusOptions } from './pubsub-message-bus.ts';

export { FirestoreLogStore } from './firestore-log-store.ts';
export { FirestoreRecordStore } from './firestore-record-store.ts';
export { GcsArtifactStore } from './gcs-artifact-store.ts';
export { PubSubMessageBus } from './pubsub-message-bus.ts';

/** The project the cloud adapters talk to. */
export function cloudProjectId(config: RetrainingConfig): string {
  return process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT ?? config.pipeline.projectId;
}

/** The default firebase-admin app, initialised on first use. */
export function adminApp(config: RetrainingConfig): App {
  const existing = getApps().find((a) => a.name === '[DEFAULT]');
  return existing ?? initializeApp({ projectId: cloudProjectId(config), storageBucket: config.pipeline.bucket });
}

/** Open every port of the cloud backend. */
export async function openCloudPorts(config: RetrainingConfig, opts: { clock?: Clock; bus?: PubSubBusOptions } = {}): Promise<Ports> {
  const app = adminApp(config);
  const db = getFirestore(app);
  return {
    logs: new FirestoreLogStore(db, config.pipeline.collections.interactionLogs),
    artifacts: new GcsArtifactStore(new Storage({ projectId: cloudProjectId(config) }).bucket(config.pipeline.bucket)),
    bus: new PubSubMessageBus(new PubSub({ projectId: cloudProjectId(config) }), opts.bus),
    records: new FirestoreRecordStore(db),
    clock: opts.clock ?? systemClock,
  };
}
