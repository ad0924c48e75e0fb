import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { getFirestore } from 'firebase-admin/firestore';
import { FirestoreRecordStore } from '../../../functions/src/adapters/cloud/firestore-record-store.ts';
import { runRecordStoreContract } from '../contracts/record-store.contract.ts';
import { skipFirestore, testApp } from './emulator-app.ts';

if (skipFirestore) {
  describe('FirestoreRecordStore', { skip: skipFirestore }, () => {});
} else {
  const { app, close } = testApp();
  after(close);
  const db = getFirestore(app);
  runRecordStoreContract('FirestoreRecordStore', async () => new FirestoreRecordStore(db));

  describe('FirestoreRecordStore', () => {
    it('returns dates as ISO strings, like the embedded store', async () => {
      const store = new FirestoreRecordStore(db);
      const created = await store.create('dates_test', `d-${Date.now()}`, { at: new Date('2026-01-01T00:00:00Z'), nested: { at: new Date(0) } });
      assert.deepEqual(created.data, { at: '2026-01-01T00:00:00.000Z', nested: { at: '1970-01-01T00:00:00.000Z' } });
      assert.deepEqual((await store.get('dates_test', created.id))?.data, created.data);
    });
  });
}
