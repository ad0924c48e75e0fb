/**
 * A page of dataset rows as flat typed arrays, and its CSV text. Rows travel this way to the CSV
 * formatting worker (typed arrays move without copying), and the same code formats them when no
 * worker is used, so the bytes never depend on where they were formatted. Imports only
 * csv-writer.ts: the worker loads these two files alone.
 */
import { CsvWriter, NumberTexts } from './csv-writer.ts';

/** Numbers per row: timestamp (epoch ms), the features, then the variables. */
export function rowWidth(featureCount: number, varCount: number): number {
  return 1 + featureCount + varCount;
}

/** The fixed shape of every batch of one dataset. */
export interface RowLayout {
  featureCount: number;
  varCount: number;
  /** Labels of each class target, in column order; a row stores label indices. */
  classLabels: readonly (readonly string[])[];
}

/** One page of rows. */
export interface RowBatch {
  n: number;
  ids: string[];
  /** n × rowWidth numbers: timestamp, features (NaN = missing), variables. */
  nums: Float64Array;
  /** n × classLabels.length label indices. */
  classes: Uint8Array;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** A text cell, quoted only when it has to be. */
export function csvText(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A number cell: the shortest round-trip decimal; NaN and ±Infinity are an empty (missing) cell. */
export function csvNumber(x: number): string {
  return Number.isFinite(x) ? (x === 0 ? '0' : String(x)) : '';
}

/** Collects rows of a page into a batch. */
export class RowBatchBuilder {
  readonly layout: RowLayout;
  readonly capacity: number;
  #width: number;
  #featureCount: number;
  #varCount: number;
  #k: number;
  #batch: RowBatch;

  constructor(layout: RowLayout, capacity: number) {
    this.layout = layout;
    this.capacity = capacity;
    this.#width = rowWidth(layout.featureCount, layout.varCount);
    this.#featureCount = layout.featureCount;
    this.#varCount = layout.varCount;
    this.#k = layout.classLabels.length;
    this.#batch = this.#fresh();
  }

  #fresh(): RowBatch {
    return { n: 0, ids: [], nums: new Float64Array(this.capacity * this.#width), classes: new Uint8Array(this.capacity * this.#k) };
  }

  get size(): number {
    return this.#batch.n;
  }

  /** Append a row; `classes` are label indices. */
  push(id: string, timestampMs: number, features: Float64Array, vars: Float64Array, classes: ArrayLike<number>): void {
    const b = this.#batch;
    if (b.n === this.capacity) throw new RangeError('row batch is full');
    const nums = b.nums;
    let o = b.n * this.#width;
    nums[o++] = timestampMs;
    for (let j = 0; j < this.#featureCount; j++) nums[o++] = features[j];
    for (let j = 0; j < this.#varCount; j++) nums[o++] = vars[j];
    for (let c = 0; c < this.#k; c++) b.classes[b.n * this.#k + c] = classes[c];
    b.ids.push(id);
    b.n++;
  }

  /** The batch so far; the builder starts a new one. */
  take(): RowBatch {
    const b = this.#batch;
    this.#batch = this.#fresh();
    return b;
  }
}

const COMMA = 44;
const NEWLINE = 10;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** What formatting a layout's rows needs besides the rows. */
interface Prepared {
  /** `,<label>` per class target and label index, and whether it is plain ASCII. */
  labels: { text: string; ascii: boolean }[][];
  /** Bytes a row takes at most, besides its id. */
  rowBytes: number;
}

const PREPARED = new WeakMap<RowLayout, Prepared>();
/** Shared by every layout: a number's text does not depend on its column. */
const NUMBER_TEXTS = new NumberTexts();

function prepare(layout: RowLayout): Prepared {
  let p = PREPARED.get(layout);
  if (!p) {
    const labels = layout.classLabels.map((ls) => ls.map((l) => ({ text: `,${csvText(l)}`, ascii: PLAIN_ASCII.test(l) })));
    const labelBytes = labels.reduce((sum, ls) => sum + Math.max(...ls.map((l) => 3 * l.text.length)), 0);
    const width = rowWidth(layout.featureCount, layout.varCount);
    p = { labels, rowBytes: 33 * width + labelBytes + 8 };
    PREPARED.set(layout, p);
  }
  return p;
}

/**
 * The CSV lines of a batch (each with its line end) as UTF-8 bytes, written straight into one
 * buffer: cheaper than concatenating a page of strings and encoding the result.
 */
export function formatBatch(layout: RowLayout, b: RowBatch): Uint8Array {
  const width = rowWidth(layout.featureCount, layout.varCount);
  const k = layout.classLabels.length;
  const fEnd = 1 + layout.featureCount;
  const { labels, rowBytes } = prepare(layout);
  const nums = b.nums;
  const w = new CsvWriter(b.n * 256);
  for (let i = 0; i < b.n; i++) {
    const o = i * width;
    const id = b.ids[i];
    w.reserve(6 * id.length + rowBytes);
    w.text(id, csvText);
    w.byte(COMMA);
    w.isoTime(nums[o]);
    w.numbers(nums, o + 1, o + fEnd, NUMBER_TEXTS);
    for (let c = 0; c < k; c++) {
      const label = labels[c][b.classes[i * k + c]];
      if (label.ascii) w.ascii(label.text);
      else w.utf8(label.text);
    }
    w.numbers(nums, o + fEnd, o + width, NUMBER_TEXTS);
    w.byte(NEWLINE);
  }
  return w.take();
}
