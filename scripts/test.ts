/**
 * The test command (`npm test`): type-check, start the Firestore and Pub/Sub emulators on free
 * ports (when gcloud is installed) and the Firebase Auth emulator (firebase-tools), run every test
 * file with node's test runner, stop the emulators (whole process groups: gcloud leaves a Java
 * child behind otherwise).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAuthEmulator } from './auth-emulator.ts';
import { startEmulators, type RunningEmulators } from './emulators.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const files = args.length ? args : ['test/**/*.test.ts'];

/** Install Debian's python3-xgboost when missing and we may (root, apt-get, not NO_APT). */
function ensurePythonXgboost(): void {
  const probe = () => spawnSync('/usr/bin/python3', ['-c', 'import xgboost; print(xgboost.__version__)'], { encoding: 'utf8' });
  const first = probe();
  if (first.status === 0) return void console.log(`xgboost ${first.stdout.trim()} found`);
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canApt || process.env.NO_APT) return void console.log('python3-xgboost missing and not installable here: live round-trip tests will be skipped');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'python3-xgboost'], { stdio: 'inherit', env });
  const second = probe();
  console.log(second.status === 0 ? `xgboost ${second.stdout.trim()} installed` : 'python3-xgboost could not be installed: live round-trip tests will be skipped');
}

/** Install Debian's chromium (for the page tests) when missing and we may. */
function ensureChromium(): void {
  const bin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const probe = () => spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const first = probe();
  if (first.status === 0) return void console.log(first.stdout.trim());
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canApt || process.env.NO_APT) return void console.log('chromium missing and not installable here: browser tests will be skipped');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  const second = probe();
  console.log(second.status === 0 ? `${second.stdout.trim()} installed` : 'chromium could not be installed: browser tests will be skipped');
}

function step(title: string): void {
  console.log(`\n=== ${title}`);
}

step('type-check (tsc --noEmit)');
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'functions/tsconfig.json', '--noEmit'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

step('real XGBoost for the round-trip tests (Debian python3-xgboost)');
ensurePythonXgboost();

step('a real browser for the page tests (Debian chromium)');
ensureChromium();

let emulators: RunningEmulators | null = null;
let auth: RunningEmulators | null = null;
if (!process.env.NO_EMULATORS) {
  step('emulators');
  const log = (m: string) => console.log(m);
  const [cloud, signIn] = await Promise.allSettled([startEmulators({ log }), startAuthEmulator({ log })]);
  if (cloud.status === 'fulfilled') emulators = cloud.value;
  if (signIn.status === 'fulfilled') auth = signIn.value;
  else console.log(`${signIn.reason instanceof Error ? signIn.reason.message : String(signIn.reason)}\nthe Auth emulator tests will be skipped`);
  if (cloud.status === 'rejected') {
    await auth?.stop();
    throw cloud.reason;
  }
}

const stop = async () => {
  await Promise.all([emulators?.stop(), auth?.stop()]);
  emulators = null;
  auth = null;
};
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
process.on('SIGTERM', () => void stop().then(() => process.exit(143)));

step(`node --test ${files.join(' ')}`);
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...(emulators?.env ?? {}), ...(auth?.env ?? {}) },
  });
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
});
await stop();
process.exit(code);
