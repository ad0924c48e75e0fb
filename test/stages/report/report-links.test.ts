import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FolderArtifactStore } from '../../../functions/src/adapters/embedded/index.ts';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { deploymentReportUrl, reportObjectPath, reportUrl, runReportPath } from '../../../functions/src/stages/report/report-links.ts';

const config = parseConfig({});
const custom = parseConfig({ pipeline: { layout: { reportsPrefix: 'out/reports/' } } });

describe('report links', () => {
  it('a run report lives under the prefix and is linked page-relative', () => {
    assert.equal(runReportPath(config, 'run_1'), 'reports/run_1/report.html');
    assert.equal(reportUrl(config, 'reports/run_1/report.html'), 'reports/run_1/report.html');
    assert.equal(reportUrl(custom, 'out/reports/a b/report.html'), 'reports/a%20b/report.html');
    assert.equal(reportUrl(config, 'models/current.json'), null);
    assert.equal(reportUrl(config, 'reports/'), null);
    assert.equal(reportUrl(config, 'reports/../models/current.json'), null);
  });

  const urls: Array<[string, string[], string | null]> = [
    ['a report', ['run_1', 'report.html'], 'reports/run_1/report.html'],
    ['an encoded space', ['a%20b', 'report.html'], 'reports/a b/report.html'],
    ['nothing', [], null],
    ['a parent segment', ['..', 'models', 'current.json'], null],
    ['an encoded parent segment', ['%2e%2e', 'models', 'current.json'], null],
    ['an encoded slash', ['..%2F..%2Fmodels', 'current.json'], null],
    ['an encoded backslash', ['..%5C..%5Cmodels'], null],
    ['an empty segment', ['run_1', '', 'report.html'], null],
    ['a NUL byte', ['run_1%00', 'report.html'], null],
    ['a bad escape', ['%E0%A4%A'], null],
    ['a reserved temp file of the folder store', ['run_1', '.~tmp-1'], null],
  ];
  for (const [name, segments, expected] of urls) {
    it(`URL → object path: ${name}`, () => assert.equal(reportObjectPath(config, segments), expected));
  }

  it('under a custom prefix the URL still starts with reports/', () => {
    assert.equal(reportObjectPath(custom, ['run_1', 'report.html']), 'out/reports/run_1/report.html');
  });

  it('a deployment links the HTML beside its comparison.json, else the JSON, else nothing', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'report-links-'));
    try {
      const store = new FolderArtifactStore(root);
      await store.put('reports/run_1/comparison.json', '{}');
      assert.equal(await deploymentReportUrl(store, config, 'reports/run_1/comparison.json'), 'reports/run_1/comparison.json');
      await store.put('reports/run_1/report.html', '<p>');
      assert.equal(await deploymentReportUrl(store, config, 'reports/run_1/comparison.json'), 'reports/run_1/report.html');
      assert.equal(await deploymentReportUrl(store, config, 'reports/run_2/comparison.json'), null);
      assert.equal(await deploymentReportUrl(store, config, 'models/current.json'), null);
      assert.equal(await deploymentReportUrl(store, config, null), null);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
