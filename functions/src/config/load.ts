/**
 * Loading and validating the config file. Errors name the key path and what was expected,
 * e.g. `triggers.timeBased.minDaysSinceLast: expected number, received string`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { ConfigError } from '../shared/errors.ts';
import { formatIssues } from '../shared/format-issues.ts';
import { RetrainingConfigSchema, type RetrainingConfig } from './schema.ts';

/** The repository root (two levels above `functions/src/config`, or above `functions/lib/config`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where `--config` points by default. */
export const DEFAULT_CONFIG_PATH = path.join(REPO_ROOT, 'config', 'retraining.yaml');

/** A loaded config with where it came from and a stable hash (recorded in manifests). */
export interface LoadedConfig {
  config: RetrainingConfig;
  source: string;
  hash: string;
}

/** Validate an already-parsed object as a config. */
export function parseConfig(input: unknown, source = '(inline)'): RetrainingConfig {
  const res = RetrainingConfigSchema.safeParse(input ?? {});
  if (!res.success) {
    const lines = formatIssues(res.error.issues);
    throw new ConfigError(`Invalid config ${source}:\n  ${lines.join('\n  ')}`, { source, issues: lines });
  }
  return res.data;
}

/** A stable hash of a validated config (keys sorted), to tell which config made an artefact. */
export function configHash(config: RetrainingConfig): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(stable)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(stable(config))).digest('hex');
}

/** Parse YAML text and validate it. */
export function parseConfigText(text: string, source = '(inline)'): RetrainingConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(`Invalid YAML in ${source}: ${doc.errors.map((e) => e.message).join('; ')}`, { source });
  }
  return parseConfig(doc.toJS(), source);
}

/** Load a config file (default `config/retraining.yaml`); a missing default file means all defaults. */
export function loadConfig(file?: string): LoadedConfig {
  const source = file ? path.resolve(file) : DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    if (!file && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      const config = parseConfig({}, '(defaults)');
      return { config, source: '(defaults)', hash: configHash(config) };
    }
    throw new ConfigError(`Cannot read config file ${source}: ${(err as Error).message}`, { source }, err);
  }
  const config = parseConfigText(text, source);
  return { config, source, hash: configHash(config) };
}
