/** `retrain models list | show <version> | current`: a look into the model registry. */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import type { Manifest } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { createOutput } from '../output.ts';

interface ModelsFlags {
  models?: string;
  config?: string;
  backend?: 'embedded' | 'cloud';
  root?: string;
  json?: boolean;
}

function summaryLine(m: Manifest, current: string | null): string {
  const s = m.summary;
  return `${m.version === current ? '*' : ' '} ${m.version.padEnd(26)} ${m.createdAt.slice(0, 19)}Z  ${m.strategy.padEnd(11)} parent ${(m.parentVersion ?? '-').padEnd(26)} rows ${String(m.samples.total).padStart(6)}  acc ${s.meanAccuracy.toFixed(3)}  rmse ${s.meanRmse.toFixed(3)}`;
}

function renderManifest(m: Manifest): string {
  const lines = [
    `${m.version} (${m.strategy}${m.parentVersion ? ` of ${m.parentVersion}` : ''}), created ${m.createdAt} by run ${m.runId}`,
    `data ${m.data.path} (${m.data.rows} rows, sha256 ${m.data.sha256.slice(0, 12)}…); train ${m.samples.train}, held out ${m.samples.heldOut}`,
    `config ${m.configHash.slice(0, 12)}…, seed ${m.seed}, code ${m.codeVersion}${m.tuning ? `, tuned (${m.tuning.trials} trials, ${m.tuning.rungs} rungs, ${(m.tuning.elapsedMs / 1000).toFixed(1)} s)` : ''}`,
    'metrics on held-out rows:',
  ];
  for (const [name, t] of Object.entries(m.metrics)) {
    const rounds = m.engine.models[name]?.totalRounds;
    lines.push(`  ${name.padEnd(18)} ${t.kind === 'class' ? `log loss ${t.logloss.toFixed(4)}  accuracy ${t.accuracy.toFixed(4)}` : `rmse ${t.rmse.toFixed(4)}  mae ${t.mae.toFixed(4)}`}  (${rounds} rounds)`);
  }
  lines.push(`files: ${m.files.map((f) => f.path).join(', ')}`);
  return lines.join('\n');
}

async function withRegistry<T>(flags: ModelsFlags, work: (r: ModelRegistry, ports: Ports) => Promise<T>): Promise<T> {
  const { config } = loadConfig(flags.config);
  const ports = await openPorts(config, { backend: flags.backend, root: flags.root });
  try {
    return await work(new ModelRegistry(ports.artifacts, flags.models ?? config.pipeline.layout.modelsPrefix), ports);
  } finally {
    await closePorts(ports);
  }
}

/** Register the command group. */
export function registerModels(program: Command): void {
  const models = program.command('models').description('List model versions, show one, or show the current pointer');
  const common = (c: Command) =>
    c
      .option('--models <prefix>', 'models prefix in the bucket (default: pipeline.layout.modelsPrefix)')
      .option('--config <file>', 'config file (default: config/retraining.yaml)')
      .option('--backend <name>', 'embedded (the default) or cloud; else RETRAIN_BACKEND')
      .option('--root <dir>', 'embedded store folder base (default: the repository)')
      .option('--json', 'machine-readable output');

  common(models.command('list').description('Complete versions, oldest first (* = current)'))
    .addHelpText('after', '\nExamples:\n  retrain models list\n  retrain models list --json')
    .action(async (flags: ModelsFlags) => {
      const out = createOutput({ json: flags.json });
      const value = await withRegistry(flags, async (r) => {
        const cur = await r.current();
        const manifests = await Promise.all((await r.listVersions()).map((v) => r.manifest(v)));
        return { current: cur?.pointer.version ?? null, versions: manifests };
      });
      out.result(
        {
          current: value.current,
          versions: value.versions.map((m) => ({ version: m.version, createdAt: m.createdAt, strategy: m.strategy, parentVersion: m.parentVersion, rows: m.samples.total, summary: m.summary })),
        },
        () => (value.versions.length ? value.versions.map((m) => summaryLine(m, value.current)).join('\n') : 'No model versions yet.'),
      );
    });

  common(models.command('show').description('The manifest of a version').argument('<version>', 'version name, e.g. v_20261127_080000'))
    .addHelpText('after', '\nExamples:\n  retrain models show v_20261127_080000\n  retrain models show v_20261127_080000 --json')
    .action(async (version: string, flags: ModelsFlags) => {
      const out = createOutput({ json: flags.json });
      const manifest = await withRegistry(flags, (r) => r.manifest(version));
      out.result(manifest, renderManifest);
    });

  common(models.command('current').description('The current pointer and the version it points at'))
    .addHelpText('after', '\nExamples:\n  retrain models current --json')
    .action(async (flags: ModelsFlags) => {
      const out = createOutput({ json: flags.json });
      const value = await withRegistry(flags, async (r) => {
        const cur = await r.current();
        return cur ? { pointer: cur.pointer, generation: cur.generation, manifest: await r.manifest(cur.pointer.version) } : null;
      });
      out.result(value ?? { pointer: null }, () =>
        value ? `current → ${value.pointer.version} (since ${value.pointer.updatedAt}, ${value.pointer.reason}; previous ${value.pointer.previousVersion ?? '-'})\n${renderManifest(value.manifest)}` : 'No current version yet.',
      );
    });
}
