/** docs/data-model.md stays true to the code: every schema field, feature and variable is documented. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FEATURE_SPECS } from '../../functions/src/data/features.ts';
import { BehaviorSchema, ContextSchema, ExplicitChoicesSchema, InteractionLogSchema, ServedSchema } from '../../functions/src/data/log-schema.ts';
import { TARGET_COLUMNS, TARGET_REJECT_REASONS, VAR_SPECS } from '../../functions/src/data/targets.ts';

const doc = readFileSync(new URL('../../docs/data-model.md', import.meta.url), 'utf8');

describe('docs/data-model.md', () => {
  const objects = { top: InteractionLogSchema, context: ContextSchema, served: ServedSchema, behavior: BehaviorSchema, explicit: ExplicitChoicesSchema };
  for (const [part, schema] of Object.entries(objects)) {
    it(`documents every ${part} field in a table row`, () => {
      for (const field of Object.keys(schema.shape)) assert.ok(doc.includes(`| \`${field}\` |`), `${part}.${field} missing`);
    });
  }

  it('has one feature row per spec with column, name and range', () => {
    for (const s of FEATURE_SPECS) {
      const round = (v: number) => String(Math.round(v * 1000) / 1000);
      assert.ok(doc.includes(`| ${s.index} | \`${s.column}\` | \`${s.name}\` | ${s.unit} |`), s.name);
      assert.ok(doc.includes(`${round(s.min)} … ${round(s.max)}`), `${s.name} range`);
    }
  });

  it('documents every target column, css var spec and rejection reason', () => {
    for (const c of TARGET_COLUMNS) assert.ok(doc.includes(`\`${c}\``), c);
    for (const s of VAR_SPECS) assert.ok(doc.includes(`| \`${s.column}\` | \`${s.name}\` | ${s.unit} | ${s.min} … ${s.max} | ${s.default} |`), s.name);
    for (const r of TARGET_REJECT_REASONS) assert.ok(doc.includes(`| \`${r}\` |`), r);
  });
});
