// Plain JavaScript (not TypeScript) so that the deploy-time build runs on any Node the deployer has.
/**
 * Build step of the deployable functions: what `tsc` does not emit, copied beside the compiled
 * code — `config/retraining.yaml` as `lib/retraining.yaml` (the config the deployed functions
 * read) and the dashboard page's own files as `lib/dashboard/page/`.
 * Usage: node scripts/copy-build-files.mjs [outDir]   (default functions/lib)
 */
import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'functions', 'lib'));
const config = path.join(outDir, 'retraining.yaml');
mkdirSync(outDir, { recursive: true });
copyFileSync(path.join(root, 'config', 'retraining.yaml'), config);
const page = path.join(outDir, 'dashboard', 'page');
cpSync(path.join(root, 'functions', 'src', 'dashboard', 'page'), page, { recursive: true });
console.log(`copied config/retraining.yaml → ${path.relative(root, config)}, dashboard page → ${path.relative(root, page)}/`);
