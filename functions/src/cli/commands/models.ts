/**
 * `retrain models list | show <version> | current | verify`: a look into the model registry, with
 * every version checked against its manifest — a damaged version is marked, never hidden, and a
 * bad manifest in one version does not stop the others from being listed.
 */
import type { Command } from 'commander';
import { closePorts, openPorts } from '../../adapters/open.ts';
import { loadConfig } from '../../config/load.ts';
import type { Manifest } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { verifyVersion, verifyVersions, type VersionCheck } from '../../models/verify.ts';
import type { Ports } from '../../ports/index.ts';
import { ConfigError, DataError } from '../../shared/errors.ts';
import { ExitStatus, createOutput } from '../output.ts';
import type { ModelValidation } from '../../stages/validate-model/model-validation.ts';
import { readValidation } from '../../stages/validate-model/validate-version.ts';

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
  const models = program.command('models').description('List model versions, show one, show the serving state, or verify versions against their manifests');
  const common = (c: Command) =>
    c
      .option('--models <prefix>', 'models prefix in the bucket (default: pipeline.layout.modelsPrefix)')
      .option('--config <file>', 'config file (default: config/retraining.yaml)')
      .option('--backend <name>', 'embedded (the default) or cloud; else RETRAIN_BACKEND')
      .option('--root <dir>', 'embedded store folder base (default: the repository)')
      .option('--json', 'machine-readable output');

  common(models.command('list').description('Complete versions, oldest first (* = current, ~ = canary, ! = damaged; REJECTED = failed the validation gate)'))
    .addHelpText('after', '\nEvery file of every version is checked against its manifest; a damaged version is marked, never hidden.\n\nExamples:\n  retrain models list\n  retrain models list --json')
    .action(async (flags: ModelsFlags) => {
      const out = createOutput({ json: flags.json });
      const value = await withRegistry(flags, async (r) => {
        const state = await r.readServingState();
        const checks = await verifyVersions(r, await r.listVersions());
        const validations = new Map(await Promise.all(checks.map(async (c) => [c.version, await readValidation(r.store, r, c.version).catch(() => null)] as const)));
        return { state, checks, validations };
      });
      const current = value.state.pointer?.version ?? null;
      const canary = value.state.pointer?.canary?.version ?? null;
      if (value.state.problem) out.warn(`the serving state is unreadable: ${value.state.problem} (repair: retrain rollback --to <version>)`);
      out.result(
        {
          current,
          canary,
          currentProblem: value.state.problem,
          versions: value.checks.map(({ version, manifest: m, ok, problems }) => ({
            version,
            damaged: !ok,
            problems,
            validation: validationOf(value.validations.get(version) ?? null),
            ...(m ? { createdAt: m.createdAt, strategy: m.strategy, parentVersion: m.parentVersion, rows: m.samples.total, summary: m.summary } : {}),
          })),
        },
        () => (value.checks.length ? value.checks.map((c) => listLine(c, current, canary, value.validations.get(c.version) ?? null)).join('\n') : 'No model versions yet.'),
      );
    });

  common(models.command('show').description('The manifest of a version, and whether its files match it').argument('<version>', 'version name, e.g. v_20261127_080000'))
    .addHelpText('after', '\nExamples:\n  retrain models show v_20261127_080000\n  retrain models show v_20261127_080000 --json')
    .action(async (version: string, flags: ModelsFlags) => {
      const out = createOutput({ json: flags.json });
      const check = await withRegistry(flags, (r) => verifyVersion(r, version));
      if (!check.manifest) throw new DataError(`Model version ${version}: ${check.problems.join('; ')}`, { stage: 'deploy', code: 'VERSION_UNREADABLE', details: { version, problems: check.problems } });
      out.result({ ...check.manifest, integrity: { ok: check.ok, problems: check.problems } }, () => `${renderManifest(check.manifest!)}\n${integrityLine(check)}`);
    });

  common(models.command('current').description('The serving state (stable version, canary) and whether the versions it names verify'))
    .addHelpText('after', '\nExit 1 when the serving state is unreadable or names a damaged version.\n\nExamples:\n  retrain models current\n  retrain models current --json')
    .action(async (flags: ModelsFlags) => {
      const out = createOutput({ json: flags.json });
      const value = await withRegistry(flags, async (r) => {
        const state = await r.readServingState();
        if (!state.pointer) return { state, stable: null, canary: null };
        const [stable, canary] = await verifyVersions(r, [state.pointer.version, ...(state.pointer.canary ? [state.pointer.canary.version] : [])]);
        return { state, stable, canary: canary ?? null };
      });
      const { state, stable, canary } = value;
      const healthy = !state.problem && (stable?.ok ?? true) && (canary?.ok ?? true);
      out.result(
        {
          pointer: state.pointer,
          generation: state.generation,
          problem: state.problem,
          manifest: stable?.manifest ?? null,
          integrity: stable ? { ok: stable.ok, problems: stable.problems } : null,
          canaryIntegrity: canary ? { ok: canary.ok, problems: canary.problems } : null,
        },
        () => {
          if (state.problem) return `the serving state models/current.json is unreadable: ${state.problem}\nrepair with one command: retrain rollback --to <version> (see retrain models list)`;
          const p = state.pointer;
          if (!p || !stable) return 'No current version yet.';
          const lines = [`current → ${p.version} (since ${p.updatedAt}, ${p.reason}; previous ${p.previousVersion ?? '-'})`];
          if (p.canary) lines.push(`canary  → ${p.canary.version} for ${p.canary.percentage} % of users since ${p.canary.startedAt}${canary && !canary.ok ? ` — DAMAGED: ${canary.problems.join('; ')}` : ''}`);
          lines.push(integrityLine(stable));
          if (stable.manifest) lines.push(renderManifest(stable.manifest));
          return lines.join('\n');
        },
      );
      if (!healthy) throw new ExitStatus(1);
    });

  common(models.command('verify').description('Check every file of a version (the serving ones by default, or all) against its manifest').argument('[version]', 'version name (default: the stable and canary versions)').option('--all', 'every version'))
    .addHelpText('after', '\nExit 1 when a version (or the serving state) is damaged.\n\nExamples:\n  retrain models verify\n  retrain models verify v_20261127_080000\n  retrain models verify --all --json')
    .action(async (version: string | undefined, flags: ModelsFlags & { all?: boolean }) => {
      const out = createOutput({ json: flags.json });
      if (version && flags.all) throw new ConfigError('give a version or --all, not both');
      const value = await withRegistry(flags, async (r) => {
        const state = await r.readServingState();
        const names = version ? [version] : flags.all ? await r.listVersions() : [state.pointer?.version, state.pointer?.canary?.version].filter((v): v is string => !!v);
        return { stateProblem: version ? null : state.problem, checks: await verifyVersions(r, names) };
      });
      const damaged = value.checks.filter((c) => !c.ok).length;
      out.result(
        { ok: damaged === 0 && !value.stateProblem, stateProblem: value.stateProblem, versions: value.checks.map(({ version: v, ok, filesChecked, problems }) => ({ version: v, ok, filesChecked, problems })) },
        () =>
          [
            ...(value.stateProblem ? [`models/current.json: unreadable (${value.stateProblem}); repair: retrain rollback --to <version>`] : []),
            ...value.checks.map((c) => `${c.ok ? 'ok      ' : 'DAMAGED '} ${c.version}  ${c.ok ? `${c.filesChecked} files match the manifest` : c.problems.join('; ')}`),
            ...(value.checks.length ? [] : ['No version to verify.']),
          ].join('\n'),
      );
      if (damaged || value.stateProblem) throw new ExitStatus(1);
    });
}

/** `passed` / `rejected` by the validation gate, or `not validated`. */
function validationOf(v: ModelValidation | null): 'passed' | 'rejected' | 'not validated' {
  return !v ? 'not validated' : v.performance_acceptable ? 'passed' : 'rejected';
}

function listLine(c: VersionCheck, current: string | null, canary: string | null, v: ModelValidation | null): string {
  const mark = c.version === current ? '*' : c.version === canary ? '~' : ' ';
  if (!c.manifest) return `${mark}!${c.version.padEnd(26)} DAMAGED: ${c.problems.join('; ')}`;
  const gate = v && !v.performance_acceptable ? `  REJECTED: ${v.issues[0]}${v.issues.length > 1 ? ` (+${v.issues.length - 1})` : ''}` : v ? '  validated' : '';
  return `${summaryLine(c.manifest, current).replace(/^./, mark)}${gate}${c.ok ? '' : `\n !  DAMAGED: ${c.problems.join('; ')}`}`;
}

function integrityLine(c: VersionCheck): string {
  return c.ok ? `integrity: ok (${c.filesChecked} files match the manifest)` : `integrity: DAMAGED — ${c.problems.join('; ')}`;
}
