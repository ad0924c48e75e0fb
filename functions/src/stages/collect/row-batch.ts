/**
 * A page of dataset rows as flat typed arrays, and its CSV text. Rows travel this way to the CSV
 * formatting worker (typed arrays move without copying), and the same code formats them when no
 * worker is used, so the bytes never depend on where they were formatted. No imports on purpose:
 * the worker loads this file alone.
 */

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
  #k: number;
  #batch: RowBatch;

  constructor(layout: RowLayout, capacity: number) {
    this.layout = layout;
    this.capacity = capacity;
    this.#width = rowWidth(layout.featureCount, layout.varCount);
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
    let o = b.n * this.#width;
    b.nums[o++] = timestampMs;
    b.nums.set(features.subarray(0, this.layout.featureCount), o);
    b.nums.set(vars.subarray(0, this.layout.varCount), o + this.layout.featureCount);
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

/** Grows a byte buffer as ASCII and UTF-8 text is appended (no intermediate strings or ropes). */
class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, capacity));
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Append a string known to be ASCII (numbers, timestamps). */
  ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Append any string as UTF-8. */
  utf8(s: string): void {
    this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  take(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
  }
}

const COMMA = 44;
const NEWLINE = 10;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/**
 * The CSV lines of a batch (each with its line end) as UTF-8 bytes, written straight into one
 * buffer: cheaper than concatenating a page of strings and encoding the result.
 */
export function formatBatch(layout: RowLayout, b: RowBatch): Uint8Array {
  const width = rowWidth(layout.featureCount, layout.varCount);
  const k = layout.classLabels.length;
  const fEnd = 1 + layout.featureCount;
  const labels = layout.classLabels.map((ls) => ls.map((l) => Buffer.from(`,${csvText(l)}`, 'utf8')));
  const w = new ByteWriter(b.n * 256);
  for (let i = 0; i < b.n; i++) {
    const o = i * width;
    const id = b.ids[i];
    const cell = csvText(id);
    if (PLAIN_ASCII.test(cell)) w.ascii(cell);
    else w.utf8(cell);
    w.byte(COMMA);
    w.ascii(new Date(b.nums[o]).toISOString());
    for (let j = o + 1; j < o + fEnd; j++) {
      w.byte(COMMA);
      w.ascii(csvNumber(b.nums[j]));
    }
    for (let c = 0; c < k; c++) w.bytes(labels[c][b.classes[i * k + c]]);
    for (let j = o + fEnd; j < o + width; j++) {
      w.byte(COMMA);
      w.ascii(csvNumber(b.nums[j]));
    }
    w.byte(NEWLINE);
  }
  return w.take();
}
