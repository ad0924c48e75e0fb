/**
 * The exported page in a real browser: opened from disk with every non-file request aborted and
 * counted, it must load nothing from anywhere, log no error, and lay every chart out with a size.
 * The chart files are parsed with the browser's own XML parser. A screenshot of the page goes to
 * `test-output/report/` for a human to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ComparisonReport } from '../../../functions/src/stages/compare/comparison-report.ts';
import { exportComparisonReport } from '../../../functions/src/stages/compare/export-report.ts';
import { browserSkipReason, launchChromium, testOutputDir } from '../../support/browser.ts';
import { comparisonFixture } from './comparison-fixture.ts';

const skip = browserSkipReason();
if (skip) console.log(`# report page browser tests skipped: ${skip}`);

/** What a page did while it loaded: requests that were not for a local file, and errors. */
interface Visit {
  page: Page;
  external: string[];
  errors: string[];
}

/** Open a file with every request that is not for a `file:` URL aborted and recorded. */
async function visit(browser: Browser, file: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const external: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return await route.continue();
    external.push(url);
    await route.abort();
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, external, errors };
}

/** Parse each text as SVG with the page's DOMParser; returns the parser's error per text, or null. */
async function parseInBrowser(page: Page, svgs: string[]): Promise<(string | null)[]> {
  return await page.evaluate((texts) => {
    const parser = new (globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, type: string): { querySelector(q: string): { textContent: string | null } | null; documentElement: { nodeName: string } } } }).DOMParser();
    return texts.map((text) => {
      const doc = parser.parseFromString(text, 'image/svg+xml');
      const error = doc.querySelector('parsererror');
      return error ? (error.textContent ?? 'parse error') : doc.documentElement.nodeName === 'svg' ? null : `root is ${doc.documentElement.nodeName}`;
    });
  }, svgs);
}

describe('the exported report page in Chromium', { skip: skip ?? false }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'report-page-'));
  let browser: Browser;
  let exported: ComparisonReport;
  before(async () => {
    exported = await exportComparisonReport(comparisonFixture(), { kind: 'dir', dir }, { plots: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads from disk with no request outside the file, no console error, and every chart laid out', async () => {
    const { page, external, errors } = await visit(browser, path.join(dir, 'report.html'));
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
    const svgs = page.locator('figure > svg');
    assert.equal(await svgs.count(), exported.report!.charts.length);
    for (let i = 0; i < (await svgs.count()); i++) {
      const box = await svgs.nth(i).boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0, `chart ${i} has no size: ${JSON.stringify(box)}`);
    }
    const out = testOutputDir('report');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: path.join(out, 'report.png'), fullPage: true });
    await page.context().close();
  });

  it('counts a request to the network when a page makes one (the check above can fail)', async () => {
    const tampered = path.join(dir, 'tampered.html');
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    writeFileSync(tampered, html.replace('</body>', '<img src="http://example.invalid/pixel.png" alt=""></body>'));
    const { page, external } = await visit(browser, tampered);
    assert.deepEqual(external, ['http://example.invalid/pixel.png']);
    await page.context().close();
  });

  it('parses every chart file with the browser XML parser', async () => {
    const { page } = await visit(browser, path.join(dir, 'report.html'));
    const files = exported.report!.charts;
    const results = await parseInBrowser(page, files.map((f) => readFileSync(f, 'utf8')));
    assert.deepEqual(results, files.map(() => null));
    const broken = await parseInBrowser(page, ['<svg xmlns="http://www.w3.org/2000/svg"><g></svg>']);
    assert.notEqual(broken[0], null, 'a broken SVG must be reported');
    await page.context().close();
  });
});
