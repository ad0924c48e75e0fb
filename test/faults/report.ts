/**
 * The fault suite's table: every injected fault with whether the pipeline survived it (all
 * invariants held and the rerun succeeded at once) and how many complete objects or records it
 * lost. Each test file prints its rows grouped by category and writes them to
 * `test-output/faults/<file>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One injected fault. */
export interface FaultRow {
  category: string;
  /** Where and how (`die at put models/v_…/manifest.json`). */
  fault: string;
  survived: boolean;
  /** Complete objects or records missing or changed afterwards. */
  lost: number;
  /** What went wrong, when something did. */
  problems: string[];
}

/** Rows of one test file. */
export class FaultTable {
  readonly rows: FaultRow[] = [];
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  add(row: FaultRow): void {
    this.rows.push(row);
  }

  /** `| category | faults injected | survived | data lost |` lines. */
  render(): string {
    const groups = new Map<string, FaultRow[]>();
    for (const r of this.rows) groups.set(r.category, [...(groups.get(r.category) ?? []), r]);
    const lines = ['| faults | injected | survived | data lost |', '| --- | --- | --- | --- |'];
    for (const [category, rows] of groups) {
      lines.push(`| ${category} | ${rows.length} | ${rows.filter((r) => r.survived).length} | ${rows.reduce((n, r) => n + r.lost, 0)} |`);
    }
    const failed = this.rows.filter((r) => !r.survived);
    for (const r of failed) lines.push(`  ✗ ${r.category}: ${r.fault}: ${r.problems.join('; ')}`);
    return lines.join('\n');
  }

  /** Print the table and keep it under test-output/faults/. */
  write(): void {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-output/faults');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.#name}.json`), `${JSON.stringify(this.rows, null, 2)}\n`);
    console.log(`\nfault injection: ${this.#name}\n${this.render()}\n`);
  }
}
