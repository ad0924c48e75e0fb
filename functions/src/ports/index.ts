/** The ports every stage receives: one set for the cloud, one for the embedded default. */
import type { ArtifactStore } from './artifact-store.ts';
import type { Clock } from './clock.ts';
import type { LogStore } from './log-store.ts';
import type { MessageBus } from './message-bus.ts';
import type { RecordStore } from './record-store.ts';

export type * from './artifact-store.ts';
export type * from './clock.ts';
export type * from './log-store.ts';
export type * from './message-bus.ts';
export type * from './record-store.ts';

/** Everything a stage may touch outside its own memory. */
export interface Ports {
  logs: LogStore;
  artifacts: ArtifactStore;
  bus: MessageBus;
  records: RecordStore;
  clock: Clock;
}
