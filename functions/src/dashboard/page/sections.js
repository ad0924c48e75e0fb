// The dashboard's sections as DOM: one renderer per section of the dashboard data, built from
// elements and text nodes only (never parsed HTML, so a record cannot inject markup), plus the
// small DOM and formatting helpers the page shares. Plain browser JavaScript, no build step.
'use strict';

(function () {
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }
  const when = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '–');
  const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
  const num = (v, d = 3) => (v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d }));
  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 120000) return `${(ms / 1000).toFixed(1)} s`;
    return `${(ms / 60000).toFixed(1)} min`;
  }
  function relative(iso, from) {
    const ms = Date.parse(iso) - Date.parse(from);
    const abs = Math.abs(ms);
    const text = abs >= 86400000 ? `${Math.floor(abs / 86400000)} d ${Math.floor((abs % 86400000) / 3600000)} h` : `${Math.floor(abs / 3600000)} h ${Math.floor((abs % 3600000) / 60000)} min`;
    return ms >= 0 ? `in ${text}` : `${text} ago`;
  }
  const badge = (text, cls) => h('span', { class: `badge ${cls || text}` }, text);
  const kv = (pairs) => h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  function table(headers, rows) {
    return h('table', null, h('thead', null, h('tr', null, headers.map((x) => h('th', { class: x.startsWith('#') ? 'num' : null }, x.replace(/^#/, ''))))), h('tbody', null, rows));
  }
  function fill(id, ...children) {
    const body = document.querySelector(`#${id} .body`);
    body.replaceChildren(...children.flat().filter(Boolean));
  }
  function errorBox(error) {
    if (!error) return null;
    const { message, code, stage, details } = error;
    return h('div', { class: 'error-box' }, h('strong', null, code ? `${code}` : 'error', stage ? ` in ${stage}` : ''), ': ', message, details ? h('pre', null, JSON.stringify(details, null, 2)) : null);
  }

  /**
   * The renderers, bound to the page: `ctx.reportLink(url, text)` makes a report link,
   * `ctx.selectedRun()` and `ctx.selectRun(id)` hold the run shown in the detail view.
   */
  function sections(ctx) {
    function stageBar(run) {
      const total = run.stages.reduce((a, s) => a + (s.durationMs || 0), 0) || 1;
      return h('div', { class: 'stages' }, run.stages.map((s) =>
        h('span', { class: s.status, style: `flex: ${Math.max(0.12, (s.durationMs || 0) / total)}`, title: `${s.name}: ${s.status}, ${duration(s.durationMs)}, ${s.attempts} attempt(s)` }, `${s.name} ${duration(s.durationMs)}`)));
    }

    function renderLast(d) {
      const run = d.last_retraining.run;
      if (!run) return fill('last_retraining', h('p', { class: 'muted' }, 'No run yet: `npx retrain start` or `npx retrain auto --mode force`.'));
      const ok = d.last_retraining.lastSuccess;
      fill('last_retraining',
        h('p', null, badge(run.status), ' ', h('span', { class: 'mono' }, run.runId)),
        stageBar(run),
        kv([
          ['started', when(run.createdAt)],
          ['duration', duration(run.durationMs)],
          ['mode', run.mode],
          ['fired', run.reasons.join(', ') || '–'],
          ['strategy', run.strategy || '–'],
          ['rows', num(run.rows, 0)],
          ['version', run.version || '–'],
          run.reason && ['outcome', run.reason],
          ok && ok.runId !== run.runId && ['last success', `${ok.version || '–'} (${when(ok.finishedAt)})`],
        ]),
        errorBox(run.error));
    }

    function renderServing(d) {
      const perf = d.current_model_performance;
      const cards = perf.serving.map((s) => h('div', null,
        h('p', null, badge(s.role, s.role === 'canary' ? 'canary' : 'succeeded'), ' ', h('span', { class: 'mono' }, s.version), ` · ${num(s.percentage, 1)} % of users since ${when(s.since)}`),
        s.training
          ? [h('p', null, h('span', { class: 'big' }, pct(s.training.summary.meanAccuracy)), h('span', { class: 'muted' }, ' mean held-out accuracy at training')),
            kv([['log loss', num(s.training.summary.meanLogloss)], ['RMSE', num(s.training.summary.meanRmse)], ['trained', `${when(s.training.createdAt)}, ${s.training.strategy}, ${num(s.training.rows, 0)} rows`]])]
          : h('p', { class: 'muted' }, s.note || 'no training metrics')));
      const live = perf.live;
      const rows = live.groups.map((g) => h('tr', null,
        h('td', { class: 'mono' }, g.version === null ? 'default stylesheet' : g.version),
        h('td', null, g.variant, g.role ? ` (${g.role})` : ''),
        h('td', { class: 'num' }, `${g.scored}/${g.sessions}`),
        h('td', { class: 'num' }, pct(g.meanAccuracy)),
        h('td', { class: 'values', title: Object.entries(g.targets).map(([k, t]) => `${k}: ${pct(t.accuracy)}, ${Math.round(live.level * 100)} % Wilson interval ${pct(t.lower)} – ${pct(t.upper)}`).join('\n') },
          Object.entries(g.targets).map(([k, t]) => `${k.replace(/^css_class_/, '')} ${pct(t.accuracy)}`).join(' · '))));
      fill('current_model_performance',
        cards.length ? cards : h('p', { class: 'muted' }, 'No version serves yet.'),
        h('h3', null, `Live, last ${num(live.window.hours)} h`),
        rows.length ? table(['served', 'variant', '#scored', '#accuracy', 'per class'], rows) : h('p', { class: 'muted' }, 'No sessions in the window.'));
    }

    function renderUpcoming(d) {
      const up = d.upcoming_retraining;
      const next = up.nextChecks[0];
      const dn = up.decisionNow;
      fill('upcoming_retraining',
        next
          ? [h('p', null, h('span', { class: 'big' }, relative(next, d.generatedAt))),
            kv([['next check', when(next)], ['schedule', `${up.schedule} (${up.timeZone})`], ['then', up.nextChecks.slice(1).map(when).join(', ') || '–']])]
          : h('div', { class: 'error-box' }, `No next check: ${up.scheduleError || 'the schedule names no future instant'}`),
        h('h3', null, 'If it ran now'),
        h('p', null, badge(dn.shouldRetrain ? 'retrain' : 'no retraining', dn.shouldRetrain ? 'retrain-yes' : 'retrain-no'), ' ', dn.recommendation),
        kv([['serving', dn.currentVersion || '–'], ['last training', dn.lastTraining ? `${when(dn.lastTraining.at)} (${dn.lastTraining.version || '–'})` : 'never'], dn.blockedBy.length && ['held back by', dn.blockedBy.join(', ')]]));
    }

    function renderTriggers(d) {
      const t = d.retraining_triggers;
      const rows = t.triggers.map((x) => h('tr', null,
        h('td', { class: 'mono' }, x.name),
        h('td', null, !x.evaluated ? badge('not evaluated', 'idle') : x.triggered ? badge('fired') : x.blocks ? badge('blocked') : badge('quiet', 'idle')),
        h('td', { class: 'num' }, x.signal ? [h('span', { class: 'values' }, `${x.signal.key} `), num(x.signal.value, 2)] : '–'),
        h('td', null, x.thresholds.map((th) => `${th.key} ${num(th.value, 2)}`).join(', ') || '–'),
        h('td', null, x.reason, h('div', { class: 'values' }, Object.entries(x.values).map(([k, v]) => `${k}=${v}`).join(' · ')))));
      const ld = t.lastDecision;
      fill('retraining_triggers',
        table(['trigger', 'state', '#value', 'thresholds', 'why'], rows),
        h('p', { class: 'muted' }, `Evaluated ${when(t.evaluatedAt)} without recording anything.`,
          ld ? ` Last recorded decision: ${ld.decisionId} (${ld.mode}) — ${ld.shouldRetrain ? `retrain: ${ld.reasons.join(', ')}` : 'no retraining'}.` : ' No decision recorded yet.'));
    }

    function renderRuns(d) {
      const rows = d.recent_runs.map((r) => h('tr', { class: `clickable${ctx.selectedRun() === r.runId ? ' selected' : ''}`, 'data-run': r.runId, onclick: () => ctx.selectRun(r.runId) },
        h('td', { class: 'mono' }, r.runId),
        h('td', null, badge(r.status)),
        h('td', null, when(r.createdAt)),
        h('td', { class: 'num' }, duration(r.durationMs)),
        h('td', { class: 'mono' }, r.version || '–'),
        h('td', { class: 'num' }, num(r.rows, 0))));
      fill('recent_runs', rows.length ? table(['run', 'status', 'started', '#duration', 'version', '#rows'], rows) : h('p', { class: 'muted' }, 'No runs yet.'));
    }

    function renderDetail(d) {
      const run = d.recent_runs.find((r) => r.runId === ctx.selectedRun());
      if (!run) return fill('run_detail', h('p', { class: 'muted' }, 'Select a run in the table.'));
      const rows = run.stages.map((s) => h('tr', null, h('td', null, s.name), h('td', null, badge(s.status)), h('td', { class: 'num' }, s.attempts), h('td', null, when(s.startedAt)), h('td', { class: 'num' }, duration(s.durationMs)), h('td', null, s.error ? `${s.error.code || 'error'}: ${s.error.message}` : '')));
      fill('run_detail',
        h('p', null, badge(run.status), ' ', h('span', { class: 'mono' }, run.runId)),
        kv([['mode', run.mode], ['fired', run.reasons.join(', ') || '–'], ['strategy', run.strategy || '–'], ['version', run.version || '–'], ['rows', num(run.rows, 0)], ['verdict', run.verdict || '–'], run.reason && ['outcome', run.reason]]),
        table(['stage', 'status', '#attempts', 'started', '#duration', 'error'], rows),
        errorBox(run.error),
        Object.keys(run.metrics).length ? h('p', { class: 'values' }, Object.entries(run.metrics).map(([k, v]) => `${k} ${num(v)}`).join(' · ')) : null,
        run.reportUrl ? h('p', null, ctx.reportLink(run.reportUrl, 'Comparison report')) : h('p', { class: 'muted' }, 'No comparison report for this run.'));
    }

    function renderDeployments(d) {
      const dep = d.recent_deployments;
      const rows = dep.deployments.map((x) => h('tr', { class: x.isRollback ? 'rollback' : null },
        h('td', null, when(x.createdAt)),
        h('td', null, x.isRollback ? '↩ ' : '', x.action),
        h('td', { class: 'mono' }, `${x.fromVersion || '–'} → ${x.toVersion || '–'}`),
        h('td', { class: 'num' }, `${num(x.percentage, 1)} %`),
        h('td', null, badge(x.outcome)),
        h('td', null, `${x.actor.kind}: ${x.actor.id}`),
        h('td', null, x.reason),
        h('td', null, x.reportUrl ? ctx.reportLink(x.reportUrl, 'report') : '–')));
      fill('recent_deployments',
        rows.length ? table(['when', 'action', 'versions', '#share', 'outcome', 'by', 'why', 'report'], rows) : h('p', { class: 'muted' }, 'No deployment recorded yet.'),
        dep.invalid.length ? h('p', { class: 'muted' }, `${dep.invalid.length} record(s) in a shape this dashboard does not read: ${dep.invalid.map((i) => i.id).join(', ')}`) : null);
    }

    return {
      all(d) {
        renderLast(d);
        renderServing(d);
        renderUpcoming(d);
        renderTriggers(d);
        renderRuns(d);
        renderDetail(d);
        renderDeployments(d);
      },
      runs(d) {
        renderRuns(d);
        renderDetail(d);
      },
    };
  }

  window.DashboardSections = { h, when, sections };
})();
