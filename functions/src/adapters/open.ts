/**
 * Choosing the adapters: `openPorts` gives a stage, the CLI or a test the ports of one backend —
 * the embedded default (SQLite, a folder, in-process messages) or the cloud (Firestore, Cloud
 * Storage, Pub/Sub). The backend is the option, else `RETRAIN_BACKEND`, else embedded.
 */
import type { RetrainingConfig } from '../config/schema.ts';
import type { Clock, Ports } from '../ports/index.ts';
import { ConfigError } from '../shared/errors.ts';

/** The two sets of adapters. */
export type Backend = 'embedded' | 'cloud';

/** Open the ports of a backend (the cloud adapters are loaded only when asked for). */
export async function openPorts(config: RetrainingConfig, opts: { backend?: Backend; root?: string; clock?: Clock } = {}): Promise<Ports> {
  const backend = opts.backend ?? process.env.RETRAIN_BACKEND ?? 'embedded';
  if (backend === 'embedded') {
    const { openEmbeddedPorts } = await import('./embedded/index.ts');
    return await openEmbeddedPorts(config, { root: opts.root, clock: opts.clock });
  }
  if (backend === 'cloud') {
    const { openCloudPorts } = await import('./cloud/index.ts');
    return await openCloudPorts(config, { clock: opts.clock });
  }
  throw new ConfigError(`Unknown backend "${backend}" (RETRAIN_BACKEND): use embedded or cloud`, { backend });
}

/** Close every port (errors of one do not keep the others open; the first is re-thrown). */
export async function closePorts(ports: Ports): Promise<void> {
  const results = await Promise.allSettled([ports.bus.close(), ports.logs.close(), ports.records.close()]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
