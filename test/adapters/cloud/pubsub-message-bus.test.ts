import { describe } from 'node:test';
import { PubSub } from '@google-cloud/pubsub';
import { PubSubMessageBus } from '../../../functions/src/adapters/cloud/pubsub-message-bus.ts';
import { runMessageBusContract } from '../contracts/message-bus.contract.ts';
import { projectId, skipPubSub } from './emulator-app.ts';

if (skipPubSub) {
  describe('PubSubMessageBus', { skip: skipPubSub }, () => {});
} else {
  runMessageBusContract('PubSubMessageBus', async () => new PubSubMessageBus(new PubSub({ projectId }), { ackDeadlineSeconds: 10 }));
}
