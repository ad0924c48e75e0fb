#!/usr/bin/env node
// Entry point of the `retrain` command. The pipeline runs on Node 24 (the deployment runtime,
// with built-in SQLite and TypeScript type stripping); when started by an older Node, re-run
// this file with the Node 24 binary that `npm install` put in node_modules, passing signals on
// to it and exiting with its status, so that cron, CI and `kill` see the real outcome.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

/** Signals a supervisor or a terminal sends to stop a job; each is passed on to the child. */
const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'];

if (major < 24) {
  const local = path.join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(local)) {
    console.error(`retrain needs Node.js 24 (this is ${process.version}); run \`npm install\` in the repository first.`);
    process.exit(1);
  }
  const child = spawn(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of FORWARDED) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(`retrain: could not start ${local}: ${err.message}`);
    process.exit(1);
  });
  // A child killed by a signal exits as a shell reports it: 128 + the signal number.
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} else {
  // The reader went away (`retrain models current --json | head -c 10`): stop quietly, as
  // command-line tools do, instead of dying on an unhandled EPIPE with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  const { main } = await import('../functions/src/cli/main.ts');
  const code = await main(process.argv.slice(2));
  // Keep a failure another part of the process recorded; never turn it into a success.
  if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
}
