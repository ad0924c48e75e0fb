/**
 * The ports of deployed functions: opened once per instance (clients are reused across
 * invocations, as the Firebase samples do) and shared by every function in it. Tests replace
 * the factory, e.g. to put an embedded folder store in place of Cloud Storage, which has no
 * emulator.
 */
import { closePorts, openPorts } from '../adapters/open.ts';
import type { RetrainingConfig } from '../config/schema.ts';
import type { Ports } from '../ports/index.ts';
import { runtimeConfig } from './config.ts';

/** Builds the ports of a function instance. */
export type PortsFactory = (config: RetrainingConfig) => Promise<Ports>;

/** The production factory: Firestore, Cloud Storage and Pub/Sub. */
export const cloudPortsFactory: PortsFactory = (config) => openPorts(config, { backend: 'cloud' });

let factory: PortsFactory = cloudPortsFactory;
let cached: Promise<Ports> | null = null;

/** The instance's ports, opened on first use; a failed open is retried on the next call. */
export function getCloudPorts(): Promise<Ports> {
  if (!cached) {
    const opening = factory(runtimeConfig().config);
    cached = opening;
    opening.catch(() => {
      if (cached === opening) cached = null;
    });
  }
  return cached;
}

/** Replace the factory (tests); `null` restores the cloud one. Closes ports already opened. */
export async function setPortsFactory(next: PortsFactory | null): Promise<void> {
  await resetCloudPorts();
  factory = next ?? cloudPortsFactory;
}

/** Close and forget the cached ports. */
export async function resetCloudPorts(): Promise<void> {
  const open = cached;
  cached = null;
  const ports = open ? await open.catch(() => null) : null;
  if (ports) await closePorts(ports);
}
