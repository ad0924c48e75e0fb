/**
 * Writing CSV cells as UTF-8 bytes straight into a growing buffer, for `formatBatch`. Turning a
 * float into its shortest round-trip text (`String(x)`) is the most expensive step of a dataset
 * row, and most columns hold few distinct values (scales, ratios of common screen sizes), so the
 * texts written are kept in a cache; integers are written digit by digit and timestamps from a
 * per-day prefix. The bytes are exactly those of `String(x)` and
 * `Date.prototype.toISOString`. No imports on purpose: the CSV worker loads this file.
 */

const DAY_MS = 86_400_000;
/** `new Date(ms)` is valid for |ms| ≤ this (ECMAScript time range). */
const MAX_TIME_MS = 8.64e15;
/** Cached number texts (a power of two): ~1.3 MB, and ~0.7 `String(x)` per dataset row. */
const CACHE_SIZE = 32768;
const CACHE_SHIFT = 32 - Math.log2(CACHE_SIZE);

const COMMA = 44;
const MINUS = 45;
const ZERO = 48;
const COLON = 58;
const DOT = 46;
const Z = 90;

// Scratch views to hash a float64 by its bits.
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

/** Bytes kept per cached text: `String(x)` of a float64 takes at most 24 characters. */
const SLOT_BYTES = 32;

/**
 * Texts of the numbers written lately, direct-mapped by the value's bits, kept as bytes in one
 * arena: a miss costs one `String(x)`, as without the cache; a hit copies bytes from one typed
 * array to another, cheaper than reading the characters of a cached string.
 */
export class NumberTexts {
  readonly #keys = new Float64Array(CACHE_SIZE).fill(NaN);
  readonly #lengths = new Uint8Array(CACHE_SIZE);
  readonly #bytes = new Uint8Array(CACHE_SIZE * SLOT_BYTES);

  /** `String(x)` for a finite `x`. */
  text(x: number): string {
    const at = this.#slot(x);
    return String.fromCharCode(...this.#bytes.subarray(at * SLOT_BYTES, at * SLOT_BYTES + this.#lengths[at]));
  }

  /** Write `String(x)` of a finite `x` (ASCII, at most 24 bytes) into `buf` at `p`; returns the position after it. */
  write(x: number, buf: Uint8Array, p: number): number {
    const at = this.#slot(x);
    const bytes = this.#bytes;
    let o = at * SLOT_BYTES;
    const end = o + this.#lengths[at];
    while (o < end) buf[p++] = bytes[o++];
    return p;
  }

  /** The slot holding `x`'s text, filled first when it held another value. */
  #slot(x: number): number {
    F64[0] = x;
    const at = Math.imul(I32[0] ^ Math.imul(I32[1], 0x9e3779b1), 0x85ebca6b) >>> CACHE_SHIFT;
    if (this.#keys[at] !== x) {
      const s = String(x);
      if (s.length > SLOT_BYTES) throw new RangeError(`number text longer than ${SLOT_BYTES} characters: ${s}`);
      const bytes = this.#bytes;
      const o = at * SLOT_BYTES;
      for (let c = 0; c < s.length; c++) bytes[o + c] = s.charCodeAt(c);
      this.#lengths[at] = s.length;
      this.#keys[at] = x;
    }
    return at;
  }
}

/**
 * A byte buffer that CSV text is appended to; call `reserve` before a run of unchecked writes.
 * The buffer is never a slice of Node's shared pool, so the CSV worker can transfer it as is.
 */
export class CsvWriter {
  buf: Buffer;
  pos = 0;
  // The UTC day of the last timestamp written, and its ISO text up to the `T`.
  #dayStart = NaN;
  #dayPrefix: number[] = [];

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(256, capacity));
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** A string known to be ASCII (at most `s.length` bytes reserved). */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any string as UTF-8 (at most `3 × s.length` bytes reserved). */
  utf8(s: string): void {
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * A text cell as `csvText` quotes it (`quoted(s)` is that function): printable ASCII without
   * quotes, commas or spaces is copied as is, anything else goes the general way. Reserve
   * `6 × s.length + 2` bytes.
   */
  text(s: string, quoted: (s: string) => string): void {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x2c) {
        const cell = quoted(s);
        this.pos = start;
        if (PRINTABLE_ASCII.test(cell)) this.ascii(cell);
        else this.utf8(cell);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /**
   * Number cells `nums[from]`…`nums[to - 1]` as `csvNumber` writes them, each after a comma, texts
   * from `texts`. Reserve 33 bytes per cell.
   */
  numbers(nums: Float64Array, from: number, to: number, texts: NumberTexts): void {
    const buf = this.buf;
    let p = this.pos;
    for (let j = from; j < to; j++) {
      buf[p++] = COMMA;
      const x = nums[j];
      if ((x | 0) === x) {
        if (x >= 0 && x < 10) buf[p++] = ZERO + x;
        else p = writeInt(buf, p, x);
      } else if (x - x === 0) p = texts.write(x, buf, p);
    }
    this.pos = p;
  }

  /** `new Date(ms).toISOString()` (throws the same RangeError for an invalid time). Reserve 32 bytes. */
  isoTime(ms: number): void {
    if (!Number.isInteger(ms) || Math.abs(ms) > MAX_TIME_MS) {
      this.ascii(new Date(ms).toISOString());
      return;
    }
    if (!(ms >= this.#dayStart && ms < this.#dayStart + DAY_MS)) {
      const day = Math.floor(ms / DAY_MS) * DAY_MS;
      const iso = new Date(day).toISOString();
      this.#dayStart = day;
      this.#dayPrefix = Array.from(iso.slice(0, iso.indexOf('T') + 1), (ch) => ch.charCodeAt(0));
    }
    const buf = this.buf;
    let p = this.pos;
    const prefix = this.#dayPrefix;
    for (let i = 0; i < prefix.length; i++) buf[p++] = prefix[i];
    let t = ms - this.#dayStart;
    const milli = t % 1000;
    t = (t - milli) / 1000;
    const sec = t % 60;
    t = (t - sec) / 60;
    const min = t % 60;
    const hour = (t - min) / 60;
    buf[p++] = ZERO + ((hour / 10) | 0);
    buf[p++] = ZERO + (hour % 10);
    buf[p++] = COLON;
    buf[p++] = ZERO + ((min / 10) | 0);
    buf[p++] = ZERO + (min % 10);
    buf[p++] = COLON;
    buf[p++] = ZERO + ((sec / 10) | 0);
    buf[p++] = ZERO + (sec % 10);
    buf[p++] = DOT;
    buf[p++] = ZERO + ((milli / 100) | 0);
    buf[p++] = ZERO + (((milli / 10) | 0) % 10);
    buf[p++] = ZERO + (milli % 10);
    buf[p++] = Z;
    this.pos = p;
  }

  /** The bytes written so far (a view, not a copy, at offset 0 of an ArrayBuffer of its own). */
  take(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
  }
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A 32-bit integer (−0 as `0`, like `String`) into `buf` at `p`; returns the position after it. */
function writeInt(buf: Uint8Array, p: number, x: number): number {
  let v = x;
  if (v < 0) {
    buf[p++] = MINUS;
    v = -v;
  }
  if (v < 10) buf[p++] = ZERO + v;
  else if (v < 100) {
    buf[p++] = ZERO + ((v / 10) | 0);
    buf[p++] = ZERO + (v % 10);
  } else {
    let digits = 3;
    for (let t = 1000; v >= t && digits < 10; t *= 10) digits++;
    p += digits;
    for (let q = p - 1; q >= p - digits; q--) {
      buf[q] = ZERO + (v % 10);
      v = Math.floor(v / 10);
    }
  }
  return p;
}
