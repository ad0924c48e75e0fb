import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG_PATH, configHash, loadConfig, parseConfig, parseConfigText } from '../../functions/src/config/load.ts';
import { ConfigError } from '../../functions/src/shared/errors.ts';

describe('config schema', () => {
  it('fills every default of the original config', () => {
    const c = parseConfig({});
    assert.equal(c.triggers.timeBased.minDaysSinceLast, 7);
    assert.equal(c.triggers.timeBased.maxDaysSinceLast, 30);
    assert.equal(c.triggers.dataVolume.minNewSamples, 500);
    assert.equal(c.triggers.performance.accuracyThreshold, 0.75);
    assert.equal(c.triggers.performance.maxDropPercentage, 5);
    assert.equal(c.triggers.drift.featureThresholdPsi, 0.2);
    assert.equal(c.triggers.drift.predictionThresholdPsi, 0.15);
    assert.equal(c.strategies.incremental.maxNewTrees, 20);
    assert.equal(c.strategies.incremental.learningRateFactor, 0.8);
    assert.equal(c.strategies.incremental.minSamples, 100);
    assert.equal(c.strategies.full.cvFolds, 5);
    assert.equal(c.strategies.full.testSplit, 0.2);
    assert.equal(c.deployment.autoDeploy, false);
    assert.equal(c.deployment.strategy, 'safe');
    assert.equal(c.dataCollection.minSessionDurationMs, 30000);
    assert.equal(c.dataCollection.maxSamplesPerCollection, 10000);
    assert.equal(c.dataCollection.dataRetentionDays, 90);
    assert.equal(c.pipeline.topics.retrainRequests, 'retrain-requests');
  });

  it('the committed config file is valid and equals the defaults', () => {
    const loaded = loadConfig(DEFAULT_CONFIG_PATH);
    assert.equal(loaded.hash, configHash(parseConfig({})));
    assert.ok(readFileSync(DEFAULT_CONFIG_PATH, 'utf8').length > 0);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['wrong type', { triggers: { timeBased: { minDaysSinceLast: 'seven' } } }, /triggers\.timeBased\.minDaysSinceLast: .*expected number/],
    ['unknown key', { triggers: { timeBased: { min_days: 3 } } }, /triggers\.timeBased: unknown key "min_days"/],
    ['unknown section', { trigger: {} }, /\(root\): unknown key "trigger"/],
    ['bad enum', { deployment: { strategy: 'yolo' } }, /deployment\.strategy: .*"safe"/],
    ['out of range', { strategies: { full: { testSplit: 1.5 } } }, /strategies\.full\.testSplit/],
    ['min > max days', { triggers: { timeBased: { minDaysSinceLast: 40, maxDaysSinceLast: 30 } } }, /maxDaysSinceLast must be/],
    ['negative samples', { dataCollection: { maxSamplesPerCollection: -1 } }, /dataCollection\.maxSamplesPerCollection/],
    ['non-integer folds', { strategies: { full: { cvFolds: 2.5 } } }, /strategies\.full\.cvFolds/],
  ];
  for (const [name, input, re] of bad) {
    it(`rejects ${name} naming the key path`, () => {
      assert.throws(() => parseConfig(input), (err: unknown) => err instanceof ConfigError && re.test(err.message));
    });
  }

  it('rejects YAML syntax errors and duplicate keys', () => {
    assert.throws(() => parseConfigText('triggers: [', 'x.yaml'), /Invalid YAML in x\.yaml/);
    assert.throws(() => parseConfigText('a: 1\na: 2', 'x.yaml'), ConfigError);
  });

  it('names a missing explicit config file', () => {
    assert.throws(() => loadConfig('/nonexistent/retraining.yaml'), /Cannot read config file \/nonexistent\/retraining\.yaml/);
  });
});
