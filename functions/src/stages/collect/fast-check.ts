/**
 * A boolean validator compiled from a zod schema by reading its definition, for the hot path of
 * the collection stage: `safeParse` builds an output object and an issue list for every document,
 * which costs more than the rest of the row. The compiled check answers only "would zod accept
 * this?", and the stage asks zod itself for the reason when it says no.
 *
 * The schema is turned into straight-line JavaScript (one `if (…) return false` per check, as zod
 * does for its own objects), so a valid document costs a few hundred nanoseconds. Only the
 * constructs the log schema uses are supported (object, number, string, boolean, enum, literal,
 * optional, nullable, array, and their checks); anything else fails at compile time, so a schema
 * change can never silently make the two disagree. Schemas whose logic lives in code
 * (transforms, refinements) are passed as `overrides`.
 */
import type { z } from 'zod';

/** True when zod would accept the value. */
export type FastCheck = (value: unknown) => boolean;

/** Thrown at compile time for a schema construct the compiler does not mirror. */
export class UnsupportedSchemaError extends Error {}

type AnyDef = { type: string; checks?: Array<{ _zod: { def: Record<string, any> } }>; [k: string]: any };

function defOf(schema: z.ZodType): AnyDef {
  return (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
}

/** Emits JavaScript statements into `lines`; each returns false from the check when violated. */
class Emitter {
  readonly lines: string[] = [];
  readonly consts: unknown[] = [];
  private vars = 0;
  private readonly overrides: ReadonlyMap<z.ZodType, FastCheck>;
  constructor(overrides: ReadonlyMap<z.ZodType, FastCheck>) {
    this.overrides = overrides;
  }

  constant(value: unknown): string {
    this.consts.push(value);
    return `k${this.consts.length - 1}`;
  }

  local(expr: string): string {
    const name = `v${this.vars++}`;
    this.lines.push(`const ${name} = ${expr};`);
    return name;
  }

  fail(cond: string): void {
    this.lines.push(`if (${cond}) return false;`);
  }

  block(head: string, body: () => void): void {
    this.lines.push(`${head} {`);
    body();
    this.lines.push('}');
  }

  checks(def: AnyDef, v: string, where: string): void {
    for (const check of def.checks ?? []) {
      const c = check._zod.def;
      switch (c.check) {
        case 'greater_than':
          this.fail(`${v} ${c.inclusive ? '<' : '<='} ${num(c.value)}`);
          break;
        case 'less_than':
          this.fail(`${v} ${c.inclusive ? '>' : '>='} ${num(c.value)}`);
          break;
        case 'number_format':
          if (c.format !== 'safeint') throw new UnsupportedSchemaError(`${where}: number format ${c.format}`);
          this.fail(`!Number.isSafeInteger(${v})`);
          break;
        case 'min_length':
          this.fail(`${v}.length < ${num(c.minimum)}`);
          break;
        case 'max_length':
          this.fail(`${v}.length > ${num(c.maximum)}`);
          break;
        case 'length_equals':
          this.fail(`${v}.length !== ${num(c.length)}`);
          break;
        case 'string_format': {
          if (c.format !== 'regex' || !(c.pattern instanceof RegExp)) throw new UnsupportedSchemaError(`${where}: string format ${c.format}`);
          const re = this.constant(c.pattern);
          this.lines.push(`${re}.lastIndex = 0;`);
          this.fail(`!${re}.test(${v})`);
          break;
        }
        default:
          throw new UnsupportedSchemaError(`${where}: check ${c.check}`);
      }
    }
  }

  oneOf(values: readonly unknown[], v: string, where: string): void {
    if (values.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean') && values.length <= 8) {
      this.fail(values.length ? values.map((x) => `${v} !== ${JSON.stringify(x)}`).join(' && ') : 'true');
    } else if (values.length) {
      this.fail(`!${this.constant(new Set(values))}.has(${v})`);
    } else throw new UnsupportedSchemaError(`${where}: empty value set`);
  }

  schema(schema: z.ZodType, v: string, where: string): void {
    const override = this.overrides.get(schema);
    if (override) return this.fail(`!${this.constant(override)}(${v})`);
    const def = defOf(schema);
    const noChecks = (what: string) => {
      if (def.checks?.length) throw new UnsupportedSchemaError(`${where}: ${what} with checks`);
    };
    switch (def.type) {
      case 'number':
        if (def.coerce) throw new UnsupportedSchemaError(`${where}: coercion`);
        this.fail(`typeof ${v} !== 'number' || !Number.isFinite(${v})`);
        return this.checks(def, v, where);
      case 'string':
        if (def.coerce) throw new UnsupportedSchemaError(`${where}: coercion`);
        this.fail(`typeof ${v} !== 'string'`);
        return this.checks(def, v, where);
      case 'boolean':
        if (def.coerce) throw new UnsupportedSchemaError(`${where}: coercion`);
        noChecks('boolean');
        return this.fail(`typeof ${v} !== 'boolean'`);
      case 'enum':
        noChecks('enum');
        return this.oneOf((schema as unknown as { options: unknown[] }).options, v, where);
      case 'literal':
        noChecks('literal');
        return this.oneOf(def.values as unknown[], v, where);
      case 'optional':
        noChecks('optional');
        return this.block(`if (${v} !== undefined)`, () => this.schema(def.innerType, v, where));
      case 'nullable':
        noChecks('nullable');
        return this.block(`if (${v} !== null)`, () => this.schema(def.innerType, v, where));
      case 'array': {
        this.fail(`!Array.isArray(${v})`);
        this.checks(def, v, where);
        const i = `i${this.vars++}`;
        return this.block(`for (let ${i} = 0; ${i} < ${v}.length; ${i}++)`, () => this.schema(def.element, this.local(`${v}[${i}]`), `${where}[]`));
      }
      case 'object': {
        noChecks('object');
        if (def.catchall !== undefined) throw new UnsupportedSchemaError(`${where}: object catchall (strict/passthrough)`);
        this.fail(`typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})`);
        const shape = def.shape as Record<string, z.ZodType>;
        for (const key of Object.keys(shape)) {
          this.schema(shape[key], this.local(`${v}[${JSON.stringify(key)}]`), where === '(root)' ? key : `${where}.${key}`);
        }
        return;
      }
      default:
        throw new UnsupportedSchemaError(`${where}: schema type ${def.type}`);
    }
  }
}

function num(x: unknown): string {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new UnsupportedSchemaError(`non-numeric bound ${String(x)}`);
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Compile `schema` into a boolean check; `overrides` replace the check of specific sub-schemas. */
export function compileFastCheck(schema: z.ZodType, overrides: ReadonlyMap<z.ZodType, FastCheck> = new Map()): FastCheck {
  const e = new Emitter(overrides);
  e.schema(schema, 'input', '(root)');
  const names = e.consts.map((_, i) => `k${i}`);
  const body = `return function fastCheck(input) {\n${e.lines.join('\n')}\nreturn true;\n};`;
  return new Function(...names, body)(...e.consts) as FastCheck;
}
