// The dashboard's charts as Vega-Lite specifications, drawn with vega-embed (served from the
// installed packages under assets/). Each chart's rows are the dataset `points`, its threshold
// lines the dataset `thresholds`, so that a test can read what a chart holds with
// `view.data('points')`. Plain browser JavaScript: no build step, no module loader.
'use strict';

(function () {
  const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
  const THRESHOLD_COLOR = '#c5221f';
  /** Bars keep one width: a single run must not fill the chart (20 runs still fit in 600 px). */
  const BAR_WIDTH = 22;
  const STATUS_COLORS = { domain: ['succeeded', 'failed', 'skipped', 'running', 'requested'], range: ['#1e8e3e', '#c5221f', '#80868b', '#1a73e8', '#1a73e8'] };

  /** A short label of an instant for category axes: `02-23 02:00`. */
  function shortInstant(iso) {
    return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  }

  /** Horizontal dashed lines at the thresholds, each labelled with its setting and value. */
  function thresholdLayers() {
    return [
      { data: { name: 'thresholds' }, mark: { type: 'rule', strokeDash: [6, 4], color: THRESHOLD_COLOR, strokeWidth: 1.5 }, encoding: { y: { field: 'value', type: 'quantitative' } } },
      {
        data: { name: 'thresholds' },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, color: THRESHOLD_COLOR, fontSize: 11 },
        encoding: { x: { value: 'width' }, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
      },
    ];
  }

  function labelled(thresholds) {
    return thresholds.map((t) => ({ ...t, label: `${t.key.split('.').pop()} ${t.value}` }));
  }

  function base(points, thresholds, height) {
    return { $schema: SCHEMA, width: 'container', height: height || 180, autosize: { type: 'fit-x', contains: 'padding' }, datasets: { points, thresholds: labelled(thresholds) } };
  }

  /** Live accuracy per day, one line per served version and variant, its band, the accuracy threshold. */
  function liveAccuracy(trend) {
    const x = { field: 'day', type: 'temporal', title: null, axis: { format: '%b %d' } };
    const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3 } };
    return {
      ...base(trend.points, trend.thresholds, 230),
      layer: [
        {
          data: { name: 'points' },
          mark: { type: 'area', opacity: 0.12 },
          encoding: { x, y: { field: 'lower', type: 'quantitative', title: 'mean accuracy of the served classes', scale: { domain: [0, 1] } }, y2: { field: 'upper' }, color },
        },
        {
          data: { name: 'points' },
          mark: { type: 'line', point: { size: 28 }, strokeWidth: 1.8 },
          encoding: {
            x,
            y: { field: 'accuracy', type: 'quantitative' },
            color,
            tooltip: [
              { field: 'day', type: 'temporal', title: 'day' },
              { field: 'series', title: 'served' },
              { field: 'accuracy', format: '.1%', title: 'accuracy' },
              { field: 'lower', format: '.1%', title: 'lower' },
              { field: 'upper', format: '.1%', title: 'upper' },
              { field: 'scored', title: 'sessions scored' },
            ],
          },
        },
        ...thresholdLayers(),
      ],
    };
  }

  /** One trigger's signal at every recorded decision, fired ones highlighted, against its thresholds. */
  function triggerValues(name, points) {
    const own = points.filter((p) => p.trigger === name);
    const values = own.filter((p) => p.kind === 'value');
    const seen = new Map();
    for (const p of own) if (p.kind === 'threshold') seen.set(`${p.key}=${p.value}`, { key: p.key, value: p.value });
    const key = values.length ? values[0].key : name;
    const x = { field: 'at', type: 'temporal', title: null, axis: { format: '%b %d' } };
    return {
      ...base(values, [...seen.values()]),
      layer: [
        { data: { name: 'points' }, mark: { type: 'line', color: '#9aa0a6', strokeWidth: 1.2 }, encoding: { x, y: { field: 'value', type: 'quantitative', title: key } } },
        {
          data: { name: 'points' },
          mark: { type: 'point', filled: true, size: 50 },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative' },
            color: { field: 'triggered', type: 'nominal', title: 'fired', scale: { domain: [true, false], range: ['#e8710a', '#1a73e8'] }, legend: { orient: 'bottom' } },
            tooltip: [{ field: 'at', type: 'temporal', title: 'decided for', format: '%Y-%m-%d %H:%M' }, { field: 'decisionId', title: 'decision' }, { field: 'value', title: key }, { field: 'triggered', title: 'fired' }],
          },
        },
        ...thresholdLayers(),
      ],
    };
  }

  /** Each run's duration, coloured by its status. */
  function runDurations(trend) {
    const points = trend.points.map((p) => ({ ...p, label: shortInstant(p.createdAt), seconds: p.durationMs / 1000 }));
    return {
      ...base(points, []),
      mark: { type: 'bar', cornerRadiusEnd: 2, width: BAR_WIDTH },
      data: { name: 'points' },
      encoding: {
        x: { field: 'label', type: 'ordinal', sort: null, title: null, axis: { labelAngle: -30 } },
        y: { field: 'seconds', type: 'quantitative', title: 'seconds' },
        color: { field: 'status', type: 'nominal', scale: STATUS_COLORS, legend: { orient: 'bottom', title: null } },
        tooltip: [{ field: 'runId', title: 'run' }, { field: 'status' }, { field: 'seconds', format: '.1f', title: 'seconds' }],
      },
    };
  }

  /** Rows of each run's dataset against the validation's minimum rows. */
  function rowsCollected(trend) {
    const points = trend.points.map((p) => ({ ...p, label: shortInstant(p.createdAt) }));
    return {
      ...base(points, trend.thresholds),
      layer: [
        {
          data: { name: 'points' },
          mark: { type: 'bar', color: '#1a73e8', cornerRadiusEnd: 2, width: BAR_WIDTH },
          encoding: {
            x: { field: 'label', type: 'ordinal', sort: null, title: null, axis: { labelAngle: -30 } },
            y: { field: 'rows', type: 'quantitative', title: 'rows' },
            tooltip: [{ field: 'runId', title: 'run' }, { field: 'rows', format: ',' }],
          },
        },
        ...thresholdLayers(),
      ],
    };
  }

  /** Held-out accuracy of each version at training time against the deployable minimum. */
  function versions(trend) {
    const x = { field: 'createdAt', type: 'temporal', title: null, axis: { format: '%b %d' } };
    return {
      ...base(trend.points, trend.thresholds),
      layer: [
        {
          data: { name: 'points' },
          mark: { type: 'line', point: { filled: true, size: 50 }, color: '#1e8e3e' },
          encoding: {
            x,
            y: { field: 'meanAccuracy', type: 'quantitative', title: 'mean held-out accuracy', scale: { domain: [0, 1] } },
            tooltip: [{ field: 'version' }, { field: 'strategy' }, { field: 'meanAccuracy', format: '.3f', title: 'accuracy' }, { field: 'meanRmse', format: '.3f', title: 'RMSE' }],
          },
        },
        ...thresholdLayers(),
      ],
    };
  }

  window.DashboardCharts = { liveAccuracy, triggerValues, runDurations, rowsCollected, versions };
})();
