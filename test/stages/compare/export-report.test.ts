import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { FolderArtifactStore } from '../../../functions/src/adapters/embedded/folder-artifact-store.ts';
import { CHART_KINDS } from '../../../functions/src/stages/compare/charts.ts';
import { ComparisonReportSchema } from '../../../functions/src/stages/compare/comparison-report.ts';
import { exportComparisonReport } from '../../../functions/src/stages/compare/export-report.ts';
import { comparisonFixture } from './comparison-fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'comparison-export-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CHART_FILES = CHART_KINDS.map((k) => `charts/${k}.svg`);
const WITH_PLOTS = ['comparison.json', 'report.html', 'summary.md', ...CHART_FILES].sort();
const WITHOUT_PLOTS = ['comparison.json', 'summary.md'];

/** Every file under a folder, as `/`-separated relative paths, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

describe('exportComparisonReport to a folder', () => {
  it('creates the folder and writes the JSON, the page, the summary and one SVG per chart', async () => {
    const dir = path.join(tmp, 'a', 'nested', 'report');
    const report = comparisonFixture();
    const exported = await exportComparisonReport(report, { kind: 'dir', dir }, { plots: true });
    assert.deepEqual(filesUnder(dir), WITH_PLOTS);
    assert.deepEqual(exported.report, {
      dir,
      json: path.join(dir, 'comparison.json'),
      html: path.join(dir, 'report.html'),
      markdown: path.join(dir, 'summary.md'),
      charts: CHART_FILES.map((f) => path.join(dir, ...f.split('/'))),
    });
    const stored = ComparisonReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'comparison.json'), 'utf8')));
    assert.deepEqual(stored, exported);
    assert.deepEqual({ ...stored, report: null }, report, 'everything but the paths is the report as given');
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    for (const f of CHART_FILES) assert.ok(html.includes(readFileSync(path.join(dir, f), 'utf8')), `${f} is not the page's inline SVG`);
  });

  it('gives the same files, byte for byte, when run twice, and leaves no temporary file', async () => {
    const dir = path.join(tmp, 'twice');
    const first = await exportComparisonReport(comparisonFixture(), { kind: 'dir', dir }, { plots: true });
    const before = contents(dir);
    const second = await exportComparisonReport(first, { kind: 'dir', dir }, { plots: true });
    assert.deepEqual(second, first);
    assert.deepEqual(contents(dir), before);
  });

  it('writes only the JSON and the summary without plots, and removes the page and charts of an earlier export', async () => {
    const dir = path.join(tmp, 'no-plots');
    await exportComparisonReport(comparisonFixture(), { kind: 'dir', dir }, { plots: true });
    const exported = await exportComparisonReport(comparisonFixture(), { kind: 'dir', dir }, { plots: false });
    assert.deepEqual(filesUnder(dir), WITHOUT_PLOTS);
    assert.equal(exported.report?.html, null);
    assert.deepEqual(exported.report?.charts, []);
    assert.ok(!existsSync(path.join(dir, 'report.html')));
  });
});

describe('exportComparisonReport to an artefact store', () => {
  it('puts every file under the prefix, with bucket-relative paths in the report, and replaces them on a second run', async () => {
    const store = new FolderArtifactStore(path.join(tmp, 'bucket'));
    const prefix = 'reports/run-42';
    const report = comparisonFixture();
    const first = await exportComparisonReport(report, { kind: 'store', store, prefix }, { plots: true });
    const listed = async () => (await store.list(`${prefix}/`)).map((o) => o.path.slice(prefix.length + 1)).sort();
    assert.deepEqual(await listed(), WITH_PLOTS);
    assert.deepEqual(first.report, {
      dir: prefix,
      json: `${prefix}/comparison.json`,
      html: `${prefix}/report.html`,
      markdown: `${prefix}/summary.md`,
      charts: CHART_FILES.map((f) => `${prefix}/${f}`),
    });
    const json = (await store.get(`${prefix}/comparison.json`)).toString('utf8');
    assert.deepEqual(ComparisonReportSchema.parse(JSON.parse(json)), first);

    const generation = (await store.stat(`${prefix}/summary.md`))!.generation;
    const second = await exportComparisonReport(report, { kind: 'store', store, prefix: `${prefix}/` }, { plots: true });
    assert.deepEqual(second, first, 'a trailing slash on the prefix changes nothing');
    assert.notEqual((await store.stat(`${prefix}/summary.md`))!.generation, generation, 'the second run replaced the file');
    assert.equal((await store.get(`${prefix}/comparison.json`)).toString('utf8'), json);
    assert.deepEqual(await listed(), WITH_PLOTS);
  });

  it('writes only the JSON and the summary without plots', async () => {
    const store = new FolderArtifactStore(path.join(tmp, 'bucket-no-plots'));
    const exported = await exportComparisonReport(comparisonFixture(), { kind: 'store', store, prefix: 'reports/a-vs-b' }, { plots: false });
    assert.deepEqual((await store.list('reports/a-vs-b/')).map((o) => o.path), ['reports/a-vs-b/comparison.json', 'reports/a-vs-b/summary.md']);
    assert.equal(exported.report?.html, null);
  });
});
