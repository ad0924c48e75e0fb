/**
 * JSON text of a stored document, at any depth. `JSON.stringify` recurses and overflows the stack
 * near 5,000 levels (measured on Node 24: 4,000 pass, 8,000 throw), while `JSON.parse` does not;
 * a document that deep is garbage, but it must be stored so that the collection stage can count
 * it, not crash the writer. Same text as `JSON.stringify` (toJSON, undefined, non-finite numbers).
 */

type Frame = { node: object; keys: string[] | null; i: number; wrote: boolean };

const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function normal(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function' ? (v as { toJSON(k: string): unknown }).toJSON(key) : v;
}

/** `JSON.stringify(value)`, falling back to an iterative writer when the value is too deep. */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  return deepJsonText(value);
}

/** The iterative writer: an explicit stack instead of recursion. */
export function deepJsonText(root: unknown): string | undefined {
  const parts: string[] = [];
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  const emit = (v: unknown): void => {
    if (v === null) parts.push('null');
    else if (typeof v === 'object') {
      if (onPath.has(v)) throw new TypeError('Converting circular structure to JSON');
      onPath.add(v);
      const isArray = Array.isArray(v);
      parts.push(isArray ? '[' : '{');
      stack.push({ node: v, keys: isArray ? null : Object.keys(v), i: 0, wrote: false });
    } else if (typeof v === 'number') parts.push(Number.isFinite(v) ? String(v) : 'null');
    else parts.push(JSON.stringify(v)); // strings, booleans; a BigInt throws as JSON.stringify does
  };
  const first = normal(root, '');
  if (skipped(first)) return undefined;
  emit(first);
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.keys === null) {
      const items = f.node as unknown[];
      if (f.i >= items.length) {
        parts.push(']');
        onPath.delete(f.node);
        stack.pop();
        continue;
      }
      const i = f.i++;
      if (i > 0) parts.push(',');
      const v = normal(items[i], String(i));
      if (skipped(v)) parts.push('null');
      else emit(v);
    } else {
      if (f.i >= f.keys.length) {
        parts.push('}');
        onPath.delete(f.node);
        stack.pop();
        continue;
      }
      const key = f.keys[f.i++];
      const v = normal((f.node as Record<string, unknown>)[key], key);
      if (skipped(v)) continue;
      if (f.wrote) parts.push(',');
      f.wrote = true;
      parts.push(JSON.stringify(key), ':');
      emit(v);
    }
  }
  return parts.join('');
}
