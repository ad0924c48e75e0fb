/**
 * One Vega-Lite spec to one SVG string, in Node: vega-lite compiles the spec, Vega runs the
 * dataflow headless (`renderer: 'none'`) and serialises the scenegraph. No browser and no canvas
 * package: without a canvas Vega estimates text widths from the font size, so the layout depends
 * only on the spec and the same spec always gives the same bytes.
 *
 * Vega numbers its clip paths and gradients with process-wide counters, so two renders of one
 * spec would differ and two charts inlined in one page could share an id (and clip each other).
 * `scopeSvgIds` renames every id in order of appearance under a prefix of the caller's choice.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega is loaded on first use: its canvas probe (vega-canvas) awaits at module top level, and a
 * module graph with a top-level await cannot be `require`d — which is how the Firebase functions
 * emulator loads the deployed code. Importing it lazily keeps every function loadable, and the
 * functions that never draw a chart never pay for loading it.
 */
let libs: Promise<{ vega: typeof import('vega'); compile: typeof import('vega-lite').compile }> | null = null;
function loadVega() {
  libs ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, compile: vl.compile }));
  return libs;
}

/** Options of one render. */
export interface RenderOptions {
  /** Prefix of every id in the SVG (unique per chart of a page), e.g. `chart-confusion`. */
  idPrefix: string;
  /** Receives the warnings of vega-lite and Vega (a dropped encoding, an empty scale domain…). */
  onWarning?: (message: string) => void;
}

/** Render a Vega-Lite spec to a standalone SVG document whose ids start with `idPrefix`. */
export async function renderVegaLiteSvg(spec: TopLevelSpec, opts: RenderOptions): Promise<string> {
  const { vega, compile } = await loadVega();
  const errors: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (method, _level, args) => {
    const message = args.map(String).join(' ');
    if (method === 'error') errors.push(message);
    else opts.onWarning?.(message);
  });
  const { spec: vegaSpec } = compile(spec, { logger });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', logger, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`Vega failed to render ${opts.idPrefix}: ${errors.join('; ')}`);
    return scopeSvgIds(svg, opts.idPrefix);
  } finally {
    view.finalize();
  }
}

const ID_ATTRIBUTE = /\sid="([^"]+)"/g;

/**
 * Rename the ids of an SVG document to `<prefix>-<n>` in order of appearance, with every
 * `url(#id)` and `href="#id"` reference, so the result does not depend on Vega's counters.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const renamed = new Map<string, string>();
  for (const match of svg.matchAll(ID_ATTRIBUTE)) {
    if (!renamed.has(match[1])) renamed.set(match[1], `${prefix}-${renamed.size + 1}`);
  }
  if (renamed.size === 0) return svg;
  const rename = (id: string) => renamed.get(id) ?? id;
  return svg
    .replace(ID_ATTRIBUTE, (_all, id: string) => ` id="${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_all, id: string) => `url(#${rename(id)})`)
    .replace(/href="#([^"]+)"/g, (_all, id: string) => `href="#${rename(id)}"`);
}
