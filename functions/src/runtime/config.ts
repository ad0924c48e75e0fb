/**
 * The config of deployed functions: read once per instance. The build copies
 * `config/retraining.yaml` to `functions/lib/retraining.yaml`, so a deployment carries the config
 * it was built with; `RETRAIN_CONFIG` points elsewhere (tests, emulators); with neither, the
 * repository's config file or, failing that, the schema's defaults.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type LoadedConfig } from '../config/load.ts';

/** Where the build puts the config (`functions/lib/retraining.yaml` beside `lib/runtime/`). */
export const BUNDLED_CONFIG_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'retraining.yaml');

let cached: LoadedConfig | null = null;

/** The functions' config, loaded on first use. */
export function runtimeConfig(): LoadedConfig {
  if (!cached) {
    const file = process.env.RETRAIN_CONFIG || (existsSync(BUNDLED_CONFIG_PATH) ? BUNDLED_CONFIG_PATH : undefined);
    cached = loadConfig(file);
  }
  return cached;
}

/** Forget the cached config (tests that change RETRAIN_CONFIG). */
export function resetRuntimeConfig(): void {
  cached = null;
}
