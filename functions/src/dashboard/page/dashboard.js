// The dashboard page: loads `api/dashboard`, draws the sections (sections.js) and the charts
// (charts.js), and reloads itself every `dashboard-refresh-seconds`. In the cloud the data needs a
// Firebase ID token: given once as `#token=<id token>` (a fragment never reaches a server or its
// logs) or pasted when asked, kept in sessionStorage for the tab, and sent as
// `Authorization: Bearer`.
'use strict';

(function () {
  const TOKEN_KEY = 'retrain-dashboard-id-token';
  const refreshSeconds = Number(document.querySelector('meta[name="dashboard-refresh-seconds"]')?.content) || 60;
  const state = { data: null, selectedRun: null, nextRefresh: 0, loading: false };
  /** The vega views, by chart name (read by the browser test). */
  window.dashboardViews = {};

  const { h, when } = window.DashboardSections;

  // ---- access -------------------------------------------------------------------------------
  function token() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }
  async function authorizedFetch(url) {
    const t = token();
    return await fetch(url, { headers: t ? { Authorization: `Bearer ${t}` } : {}, cache: 'no-store' });
  }
  function askForToken(status, message) {
    const banner = document.getElementById('auth');
    document.getElementById('auth-message').textContent =
      status === 403 ? `Signed in, but not allowed: ${message}. Grant the claim with \`npx retrain access grant <email>\`, then get a fresh token.` : `Sign-in needed: ${message}.`;
    banner.hidden = false;
  }
  document.getElementById('auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('auth-token');
    if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    void load();
  });

  /** Reports need the token too: fetched with it and shown from a local copy when there is one. */
  function reportLink(url, text) {
    return h('a', {
      href: url,
      target: '_blank',
      rel: 'noopener',
      onclick: async (e) => {
        if (!token()) return;
        e.preventDefault();
        const res = await authorizedFetch(url);
        if (!res.ok) return askForToken(res.status, (await res.json().catch(() => ({}))).error || res.statusText);
        const blob = new Blob([await res.arrayBuffer()], { type: res.headers.get('Content-Type') || 'text/html' });
        window.open(URL.createObjectURL(blob), '_blank', 'noopener');
      },
    }, text);
  }

  const render = window.DashboardSections.sections({
    reportLink,
    selectedRun: () => state.selectedRun,
    selectRun(runId) {
      state.selectedRun = runId;
      if (state.data) render.runs(state.data);
    },
  });

  // ---- charts -------------------------------------------------------------------------------
  async function draw(name, el, spec, hasData) {
    if (window.dashboardViews[name]) window.dashboardViews[name].finalize();
    delete window.dashboardViews[name];
    if (!hasData) return el.replaceChildren(h('p', { class: 'empty' }, 'No data in the window yet.'));
    const result = await window.vegaEmbed(el, spec, { renderer: 'svg', actions: false, tooltip: true });
    window.dashboardViews[name] = result.view;
  }

  async function renderCharts(d) {
    const C = window.DashboardCharts;
    const tr = d.performance_trends;
    const group = document.getElementById('trigger-charts');
    const triggers = [...new Set(tr.triggerValues.points.map((p) => p.trigger))];
    group.replaceChildren(...triggers.map((name) => h('figure', { class: 'chart' }, h('figcaption', null, `Trigger ${name} at each decision`), h('div', { class: 'vis', id: `chart-trigger-${name}` }))));
    const jobs = [
      draw('liveAccuracy', document.getElementById('chart-live-accuracy'), C.liveAccuracy(tr.liveAccuracy), tr.liveAccuracy.points.length > 0),
      ...triggers.map((name) =>
        draw(`trigger:${name}`, document.getElementById(`chart-trigger-${name}`), C.triggerValues(name, tr.triggerValues.points), tr.triggerValues.points.some((p) => p.trigger === name && p.kind === 'value'))),
      draw('runDurations', document.getElementById('chart-run-durations'), C.runDurations(tr.runDurations), tr.runDurations.points.length > 0),
      draw('rowsCollected', document.getElementById('chart-rows-collected'), C.rowsCollected(tr.rowsCollected), tr.rowsCollected.points.length > 0),
      draw('versions', document.getElementById('chart-versions'), C.versions(tr.versions), tr.versions.points.length > 0),
    ];
    for (const name of Object.keys(window.dashboardViews)) if (name.startsWith('trigger:') && !triggers.includes(name.slice(8))) delete window.dashboardViews[name];
    await Promise.all(jobs);
  }

  // ---- loading ------------------------------------------------------------------------------
  async function load() {
    if (state.loading) return;
    state.loading = true;
    const failure = document.getElementById('load-error');
    try {
      const res = await authorizedFetch('api/dashboard');
      if (res.status === 401 || res.status === 403) {
        askForToken(res.status, (await res.json().catch(() => ({}))).error || res.statusText);
        return;
      }
      if (!res.ok) throw new Error(`${res.status} ${(await res.json().catch(() => ({}))).error || res.statusText}`);
      const d = await res.json();
      document.getElementById('auth').hidden = true;
      failure.hidden = true;
      state.data = d;
      if (!state.selectedRun && d.recent_runs.length) state.selectedRun = d.recent_runs[0].runId;
      document.getElementById('generated').textContent = `Data as of ${when(d.generatedAt)}`;
      render.all(d);
      await renderCharts(d);
      document.body.dataset.loaded = d.generatedAt;
    } catch (err) {
      failure.textContent = `Could not load the dashboard data: ${err.message}`;
      failure.hidden = false;
    } finally {
      state.loading = false;
      state.nextRefresh = Date.now() + refreshSeconds * 1000;
    }
  }

  function tick() {
    const left = Math.max(0, Math.round((state.nextRefresh - Date.now()) / 1000));
    document.getElementById('refresh-state').textContent = state.loading ? 'refreshing…' : `refresh in ${left} s`;
    if (!state.loading && left === 0 && !document.hidden) void load();
  }
  document.getElementById('refresh-now').addEventListener('click', () => void load());
  // A new `#token=` given to an open tab takes effect at once.
  window.addEventListener('hashchange', () => {
    if (/(?:^#|&)token=/.test(location.hash)) void load();
  });
  setInterval(tick, 1000);
  void load();
})();
