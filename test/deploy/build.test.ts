/**
 * The deployable: `functions/` compiles to plain JavaScript (as `firebase deploy` builds it) and
 * the compiled entry point exports exactly the eight functions, wired to the configured topics,
 * schedules and HTTPS — what the Firebase CLI reads from each function's endpoint when it deploys
 * — and the dashboard it serves finds its page files beside the compiled code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, parseConfig } from '../../functions/src/config/load.ts';

const outDir = path.join(REPO_ROOT, 'functions', `.build-test-${process.pid}`);

describe('deployable functions build', () => {
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('compiles with tsconfig.build.json and exports checker, collector, trainer, deployer, canaryWatcher, rollup, predict and dashboard with their triggers', async () => {
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'functions', 'tsconfig.build.json'), '--outDir', outDir, '--sourceMap', 'false'], {
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, `tsc failed:\n${res.stdout}\n${res.stderr}`);
    const copy = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'copy-build-files.mjs'), outDir], { encoding: 'utf8' });
    assert.equal(copy.status, 0, copy.stderr);
    for (const file of ['retraining.yaml', 'dashboard/page/index.html', 'dashboard/page/dashboard.js', 'dashboard/page/charts.js', 'dashboard/page/sections.js', 'dashboard/page/dashboard.css']) {
      assert.ok(existsSync(path.join(outDir, file)), file);
    }

    const mod = await import(pathToFileURL(path.join(outDir, 'index.js')).href);
    // The Firebase functions emulator loads the code with require(): no module it reaches may await at top level.
    const required = createRequire(import.meta.url)(path.join(outDir, 'index.js'));
    assert.deepEqual(Object.keys(required).sort(), Object.keys(mod).sort());
    assert.deepEqual(Object.keys(mod).sort(), ['canaryWatcher', 'checker', 'collector', 'dashboard', 'deployer', 'predict', 'rollup', 'trainer']);
    const config = parseConfig({});
    const endpoint = (name: string) => (mod[name] as { __endpoint: Record<string, any> }).__endpoint;

    assert.equal(endpoint('checker').scheduleTrigger.schedule, config.pipeline.schedule);
    assert.equal(endpoint('checker').scheduleTrigger.timeZone, config.pipeline.timeZone);
    assert.equal(endpoint('collector').eventTrigger.eventFilters.topic, config.pipeline.topics.retrainRequests);
    assert.equal(endpoint('collector').eventTrigger.retry, true);
    assert.equal(endpoint('trainer').eventTrigger.eventFilters.topic, config.pipeline.topics.datasetReady);
    assert.equal(endpoint('trainer').eventTrigger.retry, true);
    assert.equal(endpoint('deployer').eventTrigger.eventFilters.topic, config.pipeline.topics.modelTrained);
    assert.equal(endpoint('deployer').eventTrigger.retry, true);
    assert.equal(endpoint('canaryWatcher').scheduleTrigger.schedule, 'every 60 minutes');
    assert.equal(endpoint('rollup').scheduleTrigger.schedule, config.monitoring.rollups.schedule);
    assert.equal(endpoint('rollup').scheduleTrigger.timeZone, config.pipeline.timeZone);
    assert.equal(endpoint('rollup').availableMemoryMb, 1024);
    assert.deepEqual(endpoint('predict').httpsTrigger, {});
    assert.deepEqual(endpoint('dashboard').httpsTrigger, { invoker: ['public'] });
    for (const name of Object.keys(mod)) assert.deepEqual(endpoint(name).region, [config.pipeline.region]);

    // The compiled page assets resolve: the page's files from lib/, the chart libraries from node_modules.
    const assets = await import(pathToFileURL(path.join(outDir, 'dashboard', 'page-assets.js')).href);
    for (const name of Object.keys(assets.ASSETS)) assert.ok((await assets.readAsset(name))?.body.length > 0, name);
    assert.match(await assets.pageTemplate(), /<section class="card" id="last_retraining"/);
  });
});
