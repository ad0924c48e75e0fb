/**
 * Shared set-up of the serving and deployment tests: embedded ports in a temp folder, versions
 * trained quickly by the real full-retrain stage on generated CSVs (a few shallow rounds), valid
 * session contexts, and ways to damage a stored version the way disks and people do.
 */
import { readFileSync, writeFileSync, truncateSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../functions/src/config/load.ts';
import type { RetrainingConfigInput } from '../../functions/src/config/schema.ts';
import { ContextSchema, type SessionContext } from '../../functions/src/data/log-schema.ts';
import { runFullRetrain } from '../../functions/src/stages/train/full.ts';
import { Rng } from '../../functions/src/simulate/prng.ts';
import { makeCsv } from '../stages/train/fixtures.ts';
import { openTestPorts, type TestPorts } from '../stages/train/ports.ts';

/** Small and quick models. */
export const QUICK_TRAINING: RetrainingConfigInput = {
  strategies: { full: { hyperparameterTuning: false } },
  training: { rounds: 6, maxDepth: 3, workers: 1 },
  validation: { qualityChecks: { minSamples: 50 } },
  serving: { stateRefreshSeconds: 0 },
};

/** Embedded ports with the quick config merged with `overrides`. */
export async function openServingPorts(overrides: RetrainingConfigInput = {}, at = '2026-11-27T08:00:00Z'): Promise<TestPorts & { config: ReturnType<typeof parseConfig> }> {
  const config = parseConfig(merge(QUICK_TRAINING as Record<string, any>, overrides as Record<string, any>));
  const ports = await openTestPorts(config, at);
  return Object.assign(ports, { config });
}

function merge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && !Array.isArray(v) && typeof a[k] === 'object' ? merge(a[k], v) : v;
  return out;
}

/** Train one version with the full-retrain stage (the clock moves an hour so names differ); never made current. */
export async function trainVersion(ports: TestPorts & { config: ReturnType<typeof parseConfig> }, opts: { seed: number; rows?: number; noise?: number }): Promise<string> {
  ports.clock.advance(3_600_000);
  const res = await runFullRetrain(ports, ports.config, {
    dataPath: `datasets/test/${opts.seed}/data.csv`,
    dataBytes: Buffer.from(makeCsv({ rows: opts.rows ?? 200, seed: opts.seed, noise: opts.noise })),
    runId: `run_test_${opts.seed}_${ports.clock.now().getTime()}`,
    configHash: 'test',
    promoteFirst: false,
  });
  if (!res.model_version) throw new Error(`training failed: ${res.reason}`);
  return res.model_version;
}

/** A valid session context, varied by a seed. */
export function context(seed = 1): SessionContext {
  const r = new Rng(seed);
  return ContextSchema.parse({
    viewport_width: 320 + r.int(2000),
    viewport_height: 480 + r.int(800),
    device_pixel_ratio: r.pick([1, 2, 3]),
    device_class: r.pick(['mobile', 'tablet', 'desktop', 'tv']),
    input_modality: r.pick(['touch', 'mouse', 'pen', 'keyboard']),
    local_hour: r.int(24),
    local_weekday: r.int(7),
    locale: 'en-GB',
    text_direction: 'ltr',
    prefers_color_scheme: r.pick(['light', 'dark', 'no-preference']),
    prefers_reduced_motion: r.chance(0.1),
    prefers_contrast: 'no-preference',
    os_font_scale: r.chance(0.5) ? 1 + r.int(5) / 10 : undefined,
    previous_sessions: r.int(50),
  });
}

/** The folder of a version in the embedded bucket. */
export function versionDir(ports: TestPorts, version: string): string {
  return path.join(ports.dir, '.retrain', 'bucket', 'models', version);
}

/** Ways a stored version gets damaged. */
export const DAMAGE = {
  /** A model file cut short (a torn upload, a full disk). */
  truncatedModel(ports: TestPorts, version: string): void {
    const file = path.join(versionDir(ports, version), 'models', 'css_class_theme.json');
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
  },
  /** One leaf value of the first tree edited by hand (valid JSON, other predictions). */
  editedLeaf(ports: TestPorts, version: string): void {
    const file = path.join(versionDir(ports, version), 'models', 'css_var_0.json');
    const model = JSON.parse(readFileSync(file, 'utf8'));
    const tree = model.learner.gradient_booster.model.trees[0];
    const leaf = (tree.left_children as number[]).indexOf(-1);
    tree.split_conditions[leaf] += 0.5;
    tree.base_weights[leaf] += 0.5;
    writeFileSync(file, JSON.stringify(model));
  },
  /** A file deleted. */
  missingFile(ports: TestPorts, version: string): void {
    rmSync(path.join(versionDir(ports, version), 'scaler.json'));
  },
} as const;

/** Overwrite `models/current.json` with text that is not a serving state. */
export function corruptServingState(ports: TestPorts, text = '{"version": '): void {
  writeFileSync(path.join(ports.dir, '.retrain', 'bucket', 'models', 'current.json'), text);
}
