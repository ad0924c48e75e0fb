/**
 * Renders the config schema as documentation: the commented `config/retraining.yaml` and the
 * Markdown reference in the README, so neither can drift from the schema.
 */
import { stringify } from 'yaml';
import { RetrainingConfigSchema } from './schema.ts';

/** One leaf setting of the config. */
export interface SettingDoc {
  path: string[];
  type: string;
  default: unknown;
  description: string;
}

type AnySchema = { _zod: { def: Record<string, any> }; description?: string };

function unwrap(s: AnySchema): { inner: AnySchema; description: string; defaultValue: unknown } {
  let cur = s;
  let description = s.description ?? '';
  let defaultValue: unknown = undefined;
  for (;;) {
    const def = cur._zod.def;
    if ((def.type === 'default' || def.type === 'prefault') && def.innerType) {
      if (def.type === 'default') defaultValue = typeof def.defaultValue === 'function' ? def.defaultValue() : def.defaultValue;
      cur = def.innerType;
      description ||= cur.description ?? '';
      continue;
    }
    return { inner: cur, description, defaultValue };
  }
}

function typeName(s: AnySchema): string {
  const def = s._zod.def;
  switch (def.type) {
    case 'enum':
      return Object.values(def.entries as Record<string, string>).map((v) => `\`${v}\``).join(' \\| ');
    case 'array':
      return `list of ${typeName(def.element)}`;
    case 'number': {
      const checks = (def.checks ?? []) as Array<{ _zod: { def: Record<string, any> } }>;
      const isInt = checks.some((c) => c._zod.def.check === 'number_format' && String(c._zod.def.format).includes('int'));
      return isInt ? 'integer' : 'number';
    }
    default:
      return String(def.type);
  }
}

/** Every leaf setting with its path, type, default and description. */
export function settingDocs(): SettingDoc[] {
  const out: SettingDoc[] = [];
  const walk = (s: AnySchema, p: string[]) => {
    const { inner, description, defaultValue } = unwrap(s);
    if (inner._zod.def.type === 'object') {
      const shape = inner._zod.def.shape as Record<string, AnySchema>;
      for (const [k, v] of Object.entries(shape)) walk(v, [...p, k]);
      return;
    }
    out.push({ path: p, type: typeName(inner), default: defaultValue, description });
  };
  walk(RetrainingConfigSchema as unknown as AnySchema, []);
  return out;
}

/** The Markdown table of all settings. */
export function renderConfigMarkdown(): string {
  const rows = settingDocs().map(
    (d) => `| \`${d.path.join('.')}\` | ${d.type} | \`${JSON.stringify(d.default)}\` | ${d.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| setting | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The full config file with every default and a comment per setting. */
export function renderConfigYaml(): string {
  const lines = [
    '# Retraining pipeline configuration. Every setting is optional; shown here with its default.',
    '# Generated from functions/src/config/schema.ts (`retrain config --yaml`); reference in README.md.',
  ];
  const walk = (s: AnySchema, p: string[], depth: number) => {
    const { inner, description, defaultValue } = unwrap(s);
    const pad = '  '.repeat(depth);
    if (inner._zod.def.type === 'object') {
      if (p.length) lines.push(`${pad}${p[p.length - 1]}:`);
      const shape = inner._zod.def.shape as Record<string, AnySchema>;
      for (const [k, v] of Object.entries(shape)) walk(v, [...p, k], p.length ? depth + 1 : depth);
      return;
    }
    if (description) lines.push(`${pad}# ${description}`);
    const value = Array.isArray(defaultValue) ? `[${defaultValue.map((v) => JSON.stringify(v)).join(', ')}]` : stringify(defaultValue).trim();
    lines.push(`${pad}${p[p.length - 1]}: ${value}`);
  };
  walk(RetrainingConfigSchema as unknown as AnySchema, [], 0);
  return lines.join('\n') + '\n';
}
