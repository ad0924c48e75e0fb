import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, parseConfigText } from '../../functions/src/config/load.ts';
import { renderConfigYaml, settingDocs } from '../../functions/src/config/docs.ts';
import { expectedDocs } from '../../scripts/docs.ts';

describe('config docs', () => {
  it('every setting has a description and a default', () => {
    for (const s of settingDocs()) {
      assert.ok(s.description.length > 10, `${s.path.join('.')} lacks a description`);
      assert.notEqual(s.default, undefined, `${s.path.join('.')} lacks a default`);
    }
  });

  it('the rendered YAML parses back to the defaults', () => {
    const parsed = parseConfigText(renderConfigYaml());
    assert.deepEqual(parsed, parseConfigText(''));
  });

  it('config/retraining.yaml and the README reference are up to date (npm run docs)', () => {
    for (const { file, content } of expectedDocs()) {
      assert.equal(readFileSync(path.join(REPO_ROOT, file), 'utf8'), content, `${file} is stale: run npm run docs`);
    }
  });
});
