/**
 * Crash points as a port wrapper: every write through the artefact store, the record store and the
 * message bus is counted, and at the planned one the process fails —
 * - `transient`: that write throws a TransientError (an instance lost mid-request; Pub/Sub redelivers);
 * - `permanent`: that write throws a plain error (a disk that is full; nothing to retry);
 * - `die`: that write and everything after it throws, and the process's bus stops delivering —
 *   the process is gone: no catch block, no cleanup and no record update gets through, exactly as
 *   after `kill -9`;
 * - `exit`: the process kills itself with SIGKILL before that write (the real thing, in a child
 *   process: crash-child.ts, started with `RETRAIN_FAULT_EXIT_AT=<n>`).
 * A log of every write (port, operation, target) names the crash point in the report. A process
 * planned to die also claims its stages as a process that is gone (the pid of an exited child):
 * this test process stands in for it and keeps running, as the real one would not.
 */
import { spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ArtifactStore, MessageBus, MessageHandler, Ports, RecordStore, SubscribeOptions } from '../../functions/src/ports/index.ts';
import { hasScratch } from '../../functions/src/ports/artifact-store.ts';
import { TransientError } from '../../functions/src/shared/errors.ts';

/** How the process fails at its crash point. */
export type FaultKind = 'transient' | 'permanent' | 'die' | 'exit';

/** One counted write. */
export interface WriteEvent {
  /** 1-based position among the process's writes. */
  n: number;
  port: 'artifacts' | 'records' | 'bus';
  op: string;
  /** Object path, `collection/id` or topic. */
  target: string;
}

/** Thrown by every port call of a process that died. */
export class ProcessDied extends Error {
  constructor(at: WriteEvent) {
    super(`process died at write ${at.n} (${at.op} ${at.target})`);
    this.name = 'ProcessDied';
  }
}

/** Counts a process's writes and fails the planned one. */
export class FaultInjector {
  readonly writes: WriteEvent[] = [];
  /** The write the fault hit, once it did. */
  fired: (WriteEvent & { kind: FaultKind }) | null = null;
  readonly #plan: { at: number; kind: FaultKind } | null;

  /** `plan.at`: the 1-based write to fail; null counts writes only. */
  constructor(plan: { at: number; kind: FaultKind } | null = null) {
    this.#plan = plan;
  }

  /** True when the process is planned to die (its stage claims are a gone process's). */
  get diesLater(): boolean {
    return this.#plan?.kind === 'die';
  }

  /** True once a `die` fault fired. */
  get dead(): boolean {
    return this.fired?.kind === 'die';
  }

  /** Before a read: a dead process reads nothing either. */
  read(): void {
    if (this.dead) throw new ProcessDied(this.fired!);
  }

  /** Before a write: count it, and fail it when planned (or when the process is dead). */
  write(port: WriteEvent['port'], op: string, target: string): void {
    if (this.dead) throw new ProcessDied(this.fired!);
    const event: WriteEvent = { n: this.writes.length + 1, port, op, target };
    this.writes.push(event);
    if (!this.#plan || event.n !== this.#plan.at) return;
    this.fired = { ...event, kind: this.#plan.kind };
    const where = `${op} ${target}`;
    if (this.#plan.kind === 'transient') throw new TransientError(`fault injected: instance lost at write ${event.n} (${where})`, { stage: 'storage' });
    if (this.#plan.kind === 'permanent') throw new Error(`fault injected: disk full at write ${event.n} (${where})`);
    if (this.#plan.kind === 'exit') {
      process.kill(process.pid, 'SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
    throw new ProcessDied(event);
  }
}

function artifacts(a: ArtifactStore, f: FaultInjector): ArtifactStore {
  const wrapped: ArtifactStore = {
    root: a.root,
    put: async (path, data, opts) => (f.write('artifacts', 'put', path), await a.put(path, data, opts)),
    putStream: async (path, source: Readable | AsyncIterable<string | Uint8Array>, opts) => (f.write('artifacts', 'putStream', path), await a.putStream(path, source, opts)),
    delete: async (path) => (f.write('artifacts', 'delete', path), await a.delete(path)),
    get: async (path) => (f.read(), await a.get(path)),
    getStream: async (path) => (f.read(), await a.getStream(path)),
    stat: async (path) => (f.read(), await a.stat(path)),
    exists: async (path) => (f.read(), await a.exists(path)),
    list: async (prefix) => (f.read(), await a.list(prefix)),
  };
  // The folder store's scratch files (gc) pass through untouched.
  return hasScratch(a) ? Object.assign(wrapped, { scratchFiles: () => a.scratchFiles(), removeScratch: (file: Parameters<typeof a.removeScratch>[0]) => a.removeScratch(file) }) : wrapped;
}

/** A pid no process has any more. */
export const GONE_PID = spawnSync('true').pid;

/** Stage owners (`owner: { pid }`) of this process rewritten to a process that is gone. */
function asGone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asGone);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'owner' && (v as { pid?: number } | null)?.pid === process.pid ? { ...(v as object), pid: GONE_PID } : asGone(v)]),
  );
}

function records(r: RecordStore, f: FaultInjector): RecordStore {
  const own = <T>(data: T): T => (f.diesLater ? (asGone(data) as T) : data);
  return {
    create: async (c, id, data) => (f.write('records', 'create', `${c}/${id}`), await r.create(c, id, own(data))),
    set: async (c, id, data) => (f.write('records', 'set', `${c}/${id}`), await r.set(c, id, own(data))),
    update: async (c, id, patch, opts) => (f.write('records', 'update', `${c}/${id}`), await r.update(c, id, own(patch), opts)),
    delete: async (c, id) => (f.write('records', 'delete', `${c}/${id}`), await r.delete(c, id)),
    get: async (c, id) => (f.read(), await r.get(c, id)),
    list: async (c, q) => (f.read(), await r.list(c, q)),
    close: () => r.close(),
  };
}

function bus(b: MessageBus, f: FaultInjector): MessageBus {
  return {
    publish: async (topic, data) => (f.write('bus', 'publish', topic), await b.publish(topic, data)),
    // A dead process handles nothing more: its in-process queue died with it.
    subscribe: <T>(topic: string, handler: MessageHandler<T>, opts?: SubscribeOptions) => b.subscribe<T>(topic, async (d) => (f.dead ? undefined : await handler(d)), opts),
    ...(b.drain ? { drain: () => b.drain!() } : {}),
    close: () => b.close(),
  };
}

/** The ports of one process, failing at the injector's crash point. */
export function faultyPorts(ports: Ports, f: FaultInjector): Ports {
  return { ...ports, artifacts: artifacts(ports.artifacts, f), records: records(ports.records, f), bus: bus(ports.bus, f) };
}
