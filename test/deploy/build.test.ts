/**
 * The deployable: `functions/` compiles to plain JavaScript (as `firebase deploy` builds it) and
 * the compiled entry point exports exactly the six functions, wired to the configured topics,
 * schedules and HTTPS — what the Firebase CLI reads from each function's endpoint when it deploys.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, parseConfig } from '../../functions/src/config/load.ts';

const outDir = path.join(REPO_ROOT, 'functions', `.build-test-${process.pid}`);

describe('deployable functions build', () => {
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('compiles with tsconfig.build.json and exports checker, collector, trainer, deployer, canaryWatcher and predict with their triggers', async () => {
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'functions', 'tsconfig.build.json'), '--outDir', outDir, '--sourceMap', 'false'], {
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, `tsc failed:\n${res.stdout}\n${res.stderr}`);
    copyFileSync(path.join(REPO_ROOT, 'config', 'retraining.yaml'), path.join(outDir, 'retraining.yaml'));

    const mod = await import(pathToFileURL(path.join(outDir, 'index.js')).href);
    assert.deepEqual(Object.keys(mod).sort(), ['canaryWatcher', 'checker', 'collector', 'deployer', 'predict', 'trainer']);
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
    assert.deepEqual(endpoint('predict').httpsTrigger, {});
    for (const name of Object.keys(mod)) assert.deepEqual(endpoint(name).region, [config.pipeline.region]);
  });
});
