/**
 * Embedded ports in a temporary folder for the collection tests (real SQLite log store, real
 * folder bucket, in-process bus), a fixed clock, and a record of what was published.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closePorts, openPorts } from '../../../functions/src/adapters/open.ts';
import { configHash, parseConfig } from '../../../functions/src/config/load.ts';
import type { RetrainingConfig, RetrainingConfigInput } from '../../../functions/src/config/schema.ts';
import { fixedClock } from '../../../functions/src/ports/clock.ts';
import type { Ports, RawLog } from '../../../functions/src/ports/index.ts';

/** Ports plus what a test needs around them. */
export interface Harness {
  ports: Ports;
  config: RetrainingConfig;
  configHash: string;
  root: string;
  published: Array<{ topic: string; data: any }>;
  append(logs: RawLog[]): Promise<void>;
  close(): Promise<void>;
}

/** A fresh embedded store; `now` is the clock's time. */
export async function embeddedHarness(opts: { now?: string; config?: RetrainingConfigInput } = {}): Promise<Harness> {
  const root = await mkdtemp(path.join(tmpdir(), 'collect-test-'));
  const config = parseConfig(opts.config ?? {});
  const ports: Ports = await openPorts(config, { backend: 'embedded', root, clock: fixedClock(opts.now ?? '2026-11-27T08:00:00.000Z') });
  const published: Harness['published'] = [];
  const publish = ports.bus.publish.bind(ports.bus);
  ports.bus.publish = async (topic, data) => {
    published.push({ topic, data });
    return publish(topic, data);
  };
  return {
    ports,
    config,
    configHash: configHash(config),
    root,
    published,
    append: (l) => ports.logs.append(l),
    async close() {
      await closePorts(ports);
      await rm(root, { recursive: true, force: true });
    },
  };
}
