/**
 * The files the dashboard page loads, all served by the dashboard itself so that the page works
 * offline and behind a strict Content-Security-Policy: the page's own script and style (`page/`,
 * copied beside the compiled code by the build), and the browser builds of vega, vega-lite and
 * vega-embed from their installed packages — never a CDN. Read once per process, then kept.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the page's own files (`src/dashboard/page`, or `lib/dashboard/page` when built). */
export const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

/** A file of a package's build folder (the folder of its main entry: the packages export no subpaths). */
function packageBuildFile(pkg: string, file: string): string {
  return path.join(path.dirname(fileURLToPath(import.meta.resolve(pkg))), file);
}

/** A servable file. */
interface AssetSource {
  file: () => string;
  type: string;
  /** Library builds change only with the lockfile; the page's files with a deployment. */
  cacheControl: string;
}

const LIBRARY_CACHE = 'public, max-age=86400';
const PAGE_CACHE = 'no-cache';
const JS = 'text/javascript; charset=utf-8';

/** Every file under `/assets/`, by name. */
export const ASSETS: Readonly<Record<string, AssetSource>> = {
  'vega.min.js': { file: () => packageBuildFile('vega', 'vega.min.js'), type: JS, cacheControl: LIBRARY_CACHE },
  'vega-lite.min.js': { file: () => packageBuildFile('vega-lite', 'vega-lite.min.js'), type: JS, cacheControl: LIBRARY_CACHE },
  'vega-embed.min.js': { file: () => packageBuildFile('vega-embed', 'vega-embed.min.js'), type: JS, cacheControl: LIBRARY_CACHE },
  'dashboard.js': { file: () => path.join(PAGE_DIR, 'dashboard.js'), type: JS, cacheControl: PAGE_CACHE },
  'charts.js': { file: () => path.join(PAGE_DIR, 'charts.js'), type: JS, cacheControl: PAGE_CACHE },
  'sections.js': { file: () => path.join(PAGE_DIR, 'sections.js'), type: JS, cacheControl: PAGE_CACHE },
  'dashboard.css': { file: () => path.join(PAGE_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8', cacheControl: PAGE_CACHE },
};

/** A loaded asset. */
export interface Asset {
  body: Buffer;
  type: string;
  cacheControl: string;
}

const loaded = new Map<string, Promise<Asset>>();

/** The asset of that name, or null when there is none. */
export async function readAsset(name: string): Promise<Asset | null> {
  const source = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!source) return null;
  let asset = loaded.get(name);
  if (!asset) {
    asset = readFile(source.file()).then((body) => ({ body, type: source.type, cacheControl: source.cacheControl }));
    loaded.set(name, asset);
    asset.catch(() => loaded.delete(name));
  }
  return await asset;
}

/** The page's HTML template (placeholders filled by the handler). */
export async function pageTemplate(): Promise<string> {
  return await readFile(path.join(PAGE_DIR, 'index.html'), 'utf8');
}
