/**
 * Starts the Firebase Auth emulator of firebase-tools (a devDependency; the emulator is plain
 * Node, so it runs offline, with no download and no Java) on free loopback ports, for the tests of
 * the dashboard's sign-in rules: FIREBASE_AUTH_EMULATOR_HOST points firebase-admin at it, and its
 * ID tokens are unsigned, which firebase-admin accepts only when that variable is set.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, killGroup, type RunningEmulators } from './emulators.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The firebase-tools CLI entry point installed by `npm install`. */
export const FIREBASE_CLI = path.join(root, 'node_modules', 'firebase-tools', 'lib', 'bin', 'firebase.js');

/** Start the Auth emulator (or nothing, with a message, when firebase-tools is not installed). */
export async function startAuthEmulator(opts: { log?: (m: string) => void; projectId?: string; timeoutMs?: number } = {}): Promise<RunningEmulators> {
  const log = opts.log ?? (() => {});
  const projectId = opts.projectId ?? 'demo-adaptive-ui';
  if (!existsSync(FIREBASE_CLI)) {
    log('firebase-tools not installed: the Auth emulator tests will be skipped');
    return { env: {}, stop: async () => {} };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-emulator-'));
  const [auth, hub, logging] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    path.join(dir, 'firebase.json'),
    JSON.stringify({ emulators: { auth: { host: '127.0.0.1', port: auth }, hub: { host: '127.0.0.1', port: hub }, logging: { host: '127.0.0.1', port: logging }, ui: { enabled: false }, singleProjectMode: true } }),
  );
  let output = '';
  const child = spawn(process.execPath, [FIREBASE_CLI, 'emulators:start', '--only', 'auth', '--project', projectId, '--config', path.join(dir, 'firebase.json')], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', NO_UPDATE_NOTIFIER: '1', FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true' },
  });
  child.stdout!.on('data', (b: Buffer) => void (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => void (output += b.toString()));
  const stop = async () => {
    await killGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const t0 = Date.now();
  const deadline = t0 + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the Auth emulator exited with code ${child.exitCode}:\n${output.slice(-2000)}`);
    }
    if (/All emulators ready/.test(output)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Auth emulator was not ready after ${opts.timeoutMs ?? 60_000} ms:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`auth emulator on 127.0.0.1:${auth} (${Date.now() - t0} ms)`);
  return { env: { FIREBASE_AUTH_EMULATOR_HOST: `127.0.0.1:${auth}` }, stop };
}
