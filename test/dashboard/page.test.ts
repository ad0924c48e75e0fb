/**
 * The dashboard page in a real headless Chromium (Debian's, driven by playwright-core) on a store
 * with simulated sessions, three runs (one failed), daily checks, a report and deployments:
 * every section is drawn, every chart holds its data points and threshold lines, the run table
 * opens a run's detail and its report, the page refreshes itself, nothing but the dashboard's own
 * server is contacted and nothing is logged as an error. A screenshot goes to
 * test-output/dashboard/. Then the page as the cloud serves it: mounted under a path, asking for
 * a token, and taking one from the URL fragment.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminClaimAccess } from '../../functions/src/dashboard/access.ts';
import { dashboardHandler } from '../../functions/src/dashboard/handler.ts';
import { startDashboardServer, type DashboardServer } from '../../functions/src/dashboard/server.ts';
import { browserSkipReason, launchChromium, testOutputDir } from '../support/browser.ts';
import { dashboardStory, type DashboardStory } from '../stages/report/fixtures.ts';

const SKIP = browserSkipReason() ?? false;
const SECTIONS = ['last_retraining', 'current_model_performance', 'retraining_triggers', 'upcoming_retraining', 'recent_deployments', 'performance_trends', 'recent_runs'];
/** Waiting for the page is not timing it: generous bounds, only so that a broken page fails instead of hanging. */
const LOAD_TIMEOUT_MS = 60_000;

/** A page that records what it logs, what fails in it and every request it makes. */
async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(`page error: ${e.message}`));
  page.on('request', (r) => void requests.push(r.url()));
  return { page, errors, requests };
}

/** Rows of each chart's `points` dataset, from the vega views the page keeps. */
async function chartPoints(page: Page): Promise<Record<string, number>> {
  return await page.evaluate(() => {
    const views = (globalThis as unknown as { dashboardViews: Record<string, { data(name: string): unknown[] }> }).dashboardViews;
    return Object.fromEntries(Object.entries(views).map(([name, view]) => [name, view.data('points').length]));
  });
}

describe('dashboard page in Chromium', { skip: SKIP }, () => {
  let story: DashboardStory;
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    story = await dashboardStory();
    server = await startDashboardServer(dashboardHandler({ config: story.env.config, ports: async () => story.env.ports, refreshSeconds: 2 }), { port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await story?.env.close();
  });

  it('draws every section and chart with data, from this server only, without errors, and refreshes itself', async () => {
    const { page, errors, requests } = await watchedPage(browser);
    await page.goto(server.url);
    await page.waitForSelector('body[data-loaded]', { timeout: LOAD_TIMEOUT_MS });

    for (const id of SECTIONS) {
      const text = (await page.locator(`#${id}`).innerText()).trim();
      assert.ok(text.length > 40, `${id}: ${text}`);
    }
    assert.match(await page.locator('#last_retraining').innerText(), new RegExp(story.secondRunId));
    assert.match(await page.locator('#current_model_performance').innerText(), new RegExp(story.firstVersion));
    assert.match(await page.locator('#retraining_triggers').innerText(), /time_based[\s\S]*blocked[\s\S]*data_volume/);
    assert.match(await page.locator('#upcoming_retraining').innerText(), /2026-03-09 02:00 UTC/);
    assert.equal(await page.locator('#recent_deployments tr.rollback').count(), 1);

    const points = await chartPoints(page);
    assert.ok(points.liveAccuracy > 20, JSON.stringify(points));
    assert.equal(points['trigger:data_volume'], 7);
    assert.ok(points['trigger:time_based'] >= 5, JSON.stringify(points));
    assert.equal(points.runDurations, 3);
    assert.equal(points.rowsCollected, 2);
    assert.ok(points.versions >= 1);
    // What was drawn: line points on the live chart, a dashed threshold line on every chart that has one.
    // One line per served version and variant: the default stylesheet before the first version, then the first version.
    assert.ok((await page.locator('#chart-live-accuracy svg .mark-line path').count()) >= 2);
    assert.ok((await page.locator('#chart-live-accuracy svg .mark-symbol path').count()) > 20);
    for (const chart of ['chart-live-accuracy', 'chart-trigger-time_based', 'chart-trigger-data_volume', 'chart-rows-collected', 'chart-versions']) {
      assert.ok((await page.locator(`#${chart} svg .mark-rule line`).count()) >= 1, `${chart} has a threshold line`);
    }
    assert.equal(await page.locator('#chart-run-durations svg .mark-rect path').count(), 3);

    // The page reloads its data by itself (every 2 s here).
    await page.waitForRequest((r) => r.url().endsWith('/api/dashboard'), { timeout: LOAD_TIMEOUT_MS });

    mkdirSync(testOutputDir('dashboard'), { recursive: true });
    await page.screenshot({ path: path.join(testOutputDir('dashboard'), 'dashboard.png'), fullPage: true });

    const origin = new URL(server.url).origin;
    assert.deepEqual(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the run table opens a run: its stages, its error, and its comparison report', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(server.url);
    await page.waitForSelector('body[data-loaded]', { timeout: LOAD_TIMEOUT_MS });

    await page.locator(`#recent_runs tr[data-run="${story.failedRunId}"]`).click();
    const failed = await page.locator('#run_detail').innerText();
    assert.match(failed, new RegExp(story.failedRunId));
    assert.match(failed, /CSV_INVALID/);
    assert.match(failed, /No comparison report/);

    await page.locator(`#recent_runs tr[data-run="${story.firstRunId}"]`).click();
    const link = page.locator('#run_detail a', { hasText: 'Comparison report' });
    assert.equal(await link.getAttribute('href'), `reports/${story.firstRunId}/report.html`);
    const [report] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await report.waitForLoadState();
    assert.match(await report.locator('h1').innerText(), /Comparison report/);
    await report.close();

    const deployLink = page.locator('#recent_deployments a', { hasText: 'report' });
    assert.equal(await deployLink.getAttribute('href'), `reports/${story.firstRunId}/report.html`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('dashboard page as the cloud function serves it', { skip: SKIP }, () => {
  let story: DashboardStory;
  let server: DashboardServer;
  let browser: Browser;

  before(async () => {
    story = await dashboardStory();
    const verify = async (token: string) => {
      if (token === 'admin-token') return { uid: 'alice', admin: true };
      if (token === 'user-token') return { uid: 'bob' };
      throw Object.assign(new Error('invalid'), { code: 'auth/argument-error' });
    };
    const handler = dashboardHandler({ config: story.env.config, ports: async () => story.env.ports, access: adminClaimAccess(verify) });
    // Mounted like `https://<region>-<project>.cloudfunctions.net/dashboard`: the function sees paths without the prefix.
    server = await startDashboardServer(async (req, res) => {
      if (req.url === '/dashboard' || req.url?.startsWith('/dashboard/') || req.url?.startsWith('/dashboard?')) req.url = req.url.slice('/dashboard'.length) || '/';
      else req.url = '/__outside__';
      await handler(req, res);
    }, { port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await story?.env.close();
  });

  it('without a token it asks for one; with #token= it loads, forgets the fragment and opens reports with the token', async () => {
    const { page, requests } = await watchedPage(browser);
    const url = new URL('dashboard', server.url).href;
    await page.goto(url);
    await page.waitForSelector('#auth:not([hidden])', { timeout: LOAD_TIMEOUT_MS });
    assert.match(await page.locator('#auth-message').innerText(), /Sign-in needed/);
    // Under a path without a trailing slash, the scripts still came from the mount.
    assert.ok(requests.some((u) => u.endsWith('/dashboard/assets/vega-embed.min.js')), requests.join('\n'));

    await page.goto(`${url}#token=user-token`);
    await page.waitForSelector('#auth-message:text-matches("not allowed")', { timeout: LOAD_TIMEOUT_MS });

    await page.locator('#auth-token').fill('admin-token');
    await page.locator('#auth-form button').click();
    await page.waitForSelector('body[data-loaded]', { timeout: LOAD_TIMEOUT_MS });
    assert.equal(await page.locator('#auth').isHidden(), true);
    assert.ok((await chartPoints(page)).liveAccuracy > 0);

    // A fresh tab given the token in the fragment: loads, and the token leaves the address bar.
    const second = await watchedPage(browser);
    await second.page.goto(`${url}#token=admin-token`);
    await second.page.waitForSelector('body[data-loaded]', { timeout: LOAD_TIMEOUT_MS });
    assert.equal(new URL(second.page.url()).hash, '');
    await second.page.locator(`#recent_runs tr[data-run="${story.firstRunId}"]`).click();
    const [report] = await Promise.all([second.page.context().waitForEvent('page'), second.page.locator('#run_detail a', { hasText: 'Comparison report' }).click()]);
    await report.waitForLoadState();
    assert.match(report.url(), /^blob:/);
    assert.match(await report.locator('h1').innerText(), /Comparison report/);
    await page.close();
    await second.page.close();
  });
});
