#!/usr/bin/env node
// Entry point of the `retrain` command. The pipeline runs on Node 24 (the deployment runtime,
// with built-in SQLite and TypeScript type stripping); when started by an older Node, re-run
// this file with the Node 24 binary that `npm install` put in node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const local = path.join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(local)) {
    console.error(`retrain needs Node.js 24 (this is ${process.version}); run \`npm install\` in the repository first.`);
    process.exit(1);
  }
  const res = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(res.status ?? 1);
}
const { main } = await import('../functions/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
