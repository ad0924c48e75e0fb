/**
 * Starts the Google Cloud CLI's Firestore and Pub/Sub emulators on free loopback ports and stops
 * them again. Each runs in its own process group: stopping gcloud alone leaves its Java child
 * running, so we signal the whole group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Emulators that are up, the environment that points clients at them, and how to stop them. */
export interface RunningEmulators {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`emulator exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`emulator at ${url} not ready after ${timeoutMs} ms`);
}

/** Stop a child started with `detached: true` and everything it started (SIGTERM, then SIGKILL after 5 s). */
export function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** True when `gcloud` is on the PATH. */
export function hasGcloud(): boolean {
  return spawnSync('gcloud', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Start both emulators (or none, with a message, when gcloud is missing). */
export async function startEmulators(opts: { log?: (m: string) => void; projectId?: string } = {}): Promise<RunningEmulators> {
  const log = opts.log ?? (() => {});
  const projectId = opts.projectId ?? 'demo-adaptive-ui';
  if (!hasGcloud()) {
    log('gcloud not found: Firestore/Pub/Sub emulator tests will be skipped');
    return { env: {}, stop: async () => {} };
  }
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(killGroup));
  };
  try {
    const fsPort = await freePort();
    const psPort = await freePort();
    const start = (args: string[]) => {
      const child = spawn('gcloud', args, { detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
      children.push(child);
      return child;
    };
    const fs = start(['emulators', 'firestore', 'start', `--host-port=127.0.0.1:${fsPort}`, '--quiet']);
    const ps = start(['beta', 'emulators', 'pubsub', 'start', `--host-port=127.0.0.1:${psPort}`, `--project=${projectId}`, '--quiet']);
    const t0 = Date.now();
    await Promise.all([
      waitForHttp(`http://127.0.0.1:${fsPort}/`, 90_000, fs),
      waitForHttp(`http://127.0.0.1:${psPort}/`, 90_000, ps),
    ]);
    log(`firestore emulator on 127.0.0.1:${fsPort}, pubsub emulator on 127.0.0.1:${psPort} (${Date.now() - t0} ms)`);
    return {
      env: {
        FIRESTORE_EMULATOR_HOST: `127.0.0.1:${fsPort}`,
        PUBSUB_EMULATOR_HOST: `127.0.0.1:${psPort}`,
        GCLOUD_PROJECT: projectId,
        GOOGLE_CLOUD_PROJECT: projectId,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
