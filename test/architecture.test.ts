/**
 * The folder tree is the architecture: run bookkeeping (`runs/`) and the chain (`stages/pipeline/`)
 * sit on either end of the stages — the stages use `runs/`, the chain uses the stages — so neither
 * takes part in an import cycle between folders (as `stages/train` ↔ `stages/pipeline` once did).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../functions/src');

/** `stages/<name>` for a stage, else the top folder (or file) under functions/src. */
function unitOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts[0] === 'stages' ? `stages/${parts[1]}` : parts[0];
}

/** Folder → folders it imports at run time (type-only imports leave no edge). */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const from = unitOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)) {
      const to = unitOf(path.resolve(path.dirname(file), m[1]));
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** Folders reachable from `start` (not counting `start` unless a path leads back to it). */
function reachable(graph: Map<string, Set<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph.get(start) ?? [])];
  while (todo.length) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(graph.get(next) ?? []));
  }
  return seen;
}

describe('import structure', () => {
  const graph = importGraph();
  for (const unit of ['runs', 'stages/pipeline', 'stages/collect', 'stages/gc', 'stages/decide', 'stages/rollup', 'stages/monitor']) {
    it(`${unit} is in no import cycle`, () => {
      assert.ok(graph.has(unit), `${unit} imports something`);
      const back = [...reachable(graph, unit)].filter((u) => reachable(graph, u).has(unit));
      assert.deepEqual(back, [], `${unit} is imported back by ${back.join(', ')}`);
    });
  }

  it('only the chain imports the chain (stages do not call back into stages/pipeline)', () => {
    const importers = [...graph].filter(([, to]) => to.has('stages/pipeline')).map(([from]) => from).sort();
    // stages/replay drives the chain at past slots, as the CLI and the functions drive it now.
    assert.deepEqual(importers, ['cli', 'stages/replay', 'triggers']);
  });
});
