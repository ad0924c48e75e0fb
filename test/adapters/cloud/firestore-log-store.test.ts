import { randomUUID } from 'node:crypto';
import { after, describe } from 'node:test';
import { getFirestore } from 'firebase-admin/firestore';
import { FirestoreLogStore } from '../../../functions/src/adapters/cloud/firestore-log-store.ts';
import { runLogStoreContract } from '../contracts/log-store.contract.ts';
import { skipFirestore, testApp } from './emulator-app.ts';

if (skipFirestore) {
  describe('FirestoreLogStore', { skip: skipFirestore }, () => {});
} else {
  const { app, close } = testApp();
  after(close);
  const db = getFirestore(app);
  runLogStoreContract('FirestoreLogStore', async () => new FirestoreLogStore(db, `logs_${randomUUID().slice(0, 8)}`));
}
