import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg, scopeSvgIds } from '../../../functions/src/stages/compare/chart-render.ts';
import { parseXml } from '../../support/xml-tree.ts';
import { markItems } from './chart-marks.ts';

const bars: TopLevelSpec = {
  data: { values: [{ k: 'x', v: 1 }, { k: 'y', v: 3 }, { k: 'z', v: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
};

describe('scopeSvgIds', () => {
  it('renames ids in order of appearance together with their url() and href references', () => {
    const svg = '<svg><defs><clipPath id="clip7"/><linearGradient id="gradient_3"/></defs><g clip-path="url(#clip7)" fill="url(#gradient_3)"/><use href="#clip7"/></svg>';
    assert.equal(
      scopeSvgIds(svg, 'chart-x'),
      '<svg><defs><clipPath id="chart-x-1"/><linearGradient id="chart-x-2"/></defs><g clip-path="url(#chart-x-1)" fill="url(#chart-x-2)"/><use href="#chart-x-1"/></svg>',
    );
  });

  it('gives the same output whatever numbers Vega chose', () => {
    const a = '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>';
    const b = '<svg><clipPath id="clip42"/><g clip-path="url(#clip42)"/></svg>';
    assert.equal(scopeSvgIds(a, 'p'), scopeSvgIds(b, 'p'));
  });
});

describe('renderVegaLiteSvg', () => {
  it('renders a spec to an SVG document with one mark per datum', async () => {
    const svg = await renderVegaLiteSvg(bars, { idPrefix: 'test' });
    assert.equal(parseXml(svg).name, 'svg');
    assert.equal(markItems(svg, 'rect').length, 3);
  });

  it('passes vega-lite warnings to the caller', async () => {
    const warnings: string[] = [];
    const spec: TopLevelSpec = { ...bars, encoding: { ...bars.encoding, shape: { field: 'k', type: 'nominal' } } };
    await renderVegaLiteSvg(spec, { idPrefix: 'test', onWarning: (w) => warnings.push(w) });
    assert.ok(warnings.some((w) => w.includes('shape')), warnings.join('\n'));
  });

  it('fails on a spec Vega cannot run', async () => {
    const spec: TopLevelSpec = { ...bars, transform: [{ filter: 'datum.v >' }] };
    await assert.rejects(renderVegaLiteSvg(spec, { idPrefix: 'test' }));
  });
});
