// Plain JavaScript (not TypeScript) so that the deploy-time build runs on any Node the deployer has.
/**
 * Build step of the deployable functions: bundle `config/retraining.yaml` as
 * `functions/lib/retraining.yaml`, the config the deployed functions read.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'functions', 'lib', 'retraining.yaml');
mkdirSync(path.dirname(target), { recursive: true });
copyFileSync(path.join(root, 'config', 'retraining.yaml'), target);
console.log(`copied config/retraining.yaml → ${path.relative(root, target)}`);
