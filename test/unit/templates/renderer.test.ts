import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateRenderer, TemplateError } from '../../../src/templates/index.js';

describe('TemplateRenderer modes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vizor-tpl-'));
  writeFileSync(join(dir, 't.njk'), '<v>{{ v }}</v>');
  const value = `<a & 'b' "c" \\>`;

  test('default: values are inserted as they are (iPXE and cmd templates filter their own)', () => {
    assert.equal(new TemplateRenderer(dir).render('t.njk', { v: value }), `<v>${value}</v>`);
  });

  test('autoescape: values become XML-safe entities', () => {
    assert.equal(new TemplateRenderer(dir, { autoescape: true }).render('t.njk', { v: value }), '<v>&lt;a &amp; &#39;b&#39; &quot;c&quot; &#92;&gt;</v>');
  });

  test('autoescape still throws on an undefined variable', () => {
    assert.throws(() => new TemplateRenderer(dir, { autoescape: true }).render('t.njk', {}), TemplateError);
    rmSync(dir, { recursive: true, force: true });
  });
});
