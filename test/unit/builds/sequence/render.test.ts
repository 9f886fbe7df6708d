import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SequenceFormatError,
  SequenceRenderError,
  loadBuiltinScripts,
  loadSequenceFile,
  parseSequenceFile,
  renderSequence,
  secretValues,
  sequenceDocumentSchema,
  type SequenceFile,
} from '../../../../src/builds/sequence/index.js';
import { shippedSequences } from './shipped.js';


const file = (yaml: string): SequenceFile => parseSequenceFile(yaml);
const builtins = `
name: b
description: built-ins
stages:
  - name: drivers
    tasks:
      - {name: tools, uses: pv-tools}
  - name: lang
    tasks:
      - {name: packs, uses: langpacks, retries: 2}
      - {name: region, uses: locale, with: {timeZone: W. Europe Standard Time}, reboot: false}
  - name: seal
    tasks:
      - {name: sysprep, uses: sysprep, timeoutMinutes: 30}
`;
const share = { packages: ['\\\\vizor\\media\\lp\\de-de\\lp.cab'], user: 'VIZOR\\svc', password: 'Pa55-w0rd!x' };

describe('renderSequence', () => {
  test('built-ins resolve to their scripts, lib first, with their defaults', () => {
    const scripts = loadBuiltinScripts();
    const doc = renderSequence(file(builtins), { with: { langpacks: share } });
    assert.equal(sequenceDocumentSchema.safeParse(doc).success, true);
    const [tools, packs, region, seal] = doc.stages.flatMap((s) => s.tasks);
    assert.equal(tools!.id, 'drivers/tools');
    assert.equal(tools!.script, `${scripts['pv-tools'].lib}\n${scripts['pv-tools'].script}`);
    assert.equal(tools!.pre, `${scripts['pv-tools'].lib}\n${scripts['pv-tools'].pre}`);
    assert.equal(tools!.post, null);
    assert.deepEqual([tools!.reboot, tools!.timeoutMinutes, tools!.retries], [true, 30, 0]);
    assert.equal(packs!.script, scripts.langpacks.script);
    assert.deepEqual([packs!.reboot, packs!.retries], [true, 2]);
    assert.equal(region!.reboot, false);
    assert.deepEqual(region!.with, { timeZone: 'W. Europe Standard Time' });
    assert.deepEqual([seal!.uses, seal!.timeoutMinutes, seal!.reboot], ['sysprep', 30, false]);
  });

  test("vizor's values fill a built-in's with; the file's own keys win", () => {
    const doc = renderSequence(file(builtins), { with: { langpacks: share, locale: { timeZone: 'UTC', culture: 'de-DE' } } });
    const [, packs, region] = doc.stages.flatMap((s) => s.tasks);
    assert.deepEqual(packs!.with, share);
    assert.deepEqual(region!.with, { timeZone: 'W. Europe Standard Time', culture: 'de-DE' });
  });

  test('secret keys are listed for the engine, and secretValues collects them', () => {
    const doc = renderSequence(file(builtins), { with: { langpacks: share } });
    assert.deepEqual(doc.stages[1]!.tasks[0]!.secrets, ['password']);
    assert.deepEqual(secretValues(doc), ['Pa55-w0rd!x']);
  });

  test('bad values are refused per task, and the error never repeats a value', () => {
    const bad = { packages: ['/etc/passwd', '\\\\vizor\\media\\lp.txt'], password: 'Pa55-w0rd!x' };
    assert.throws(
      () => renderSequence(file(builtins), { with: { langpacks: bad, locale: { culture: 'German' } } }),
      (e: unknown) => {
        assert.ok(e instanceof SequenceRenderError);
        const text = e.problems.join('\n');
        assert.match(text, /stage "lang" task "packs" \(langpacks\): with\.packages\[0\]: a language pack must be a UNC path/);
        assert.match(text, /with\.packages\[1\]: a language pack must be a \.cab, \.msu or \.esd file/);
        assert.match(text, /with\.user: password needs user/);
        assert.match(text, /stage "lang" task "region" \(locale\): with\.culture: must be a language tag/);
        assert.doesNotMatch(e.message, /Pa55|passwd|German/);
        return true;
      },
    );
  });

  test('unknown with keys of a built-in are typos', () => {
    const f = file('name: t\nstages: [{name: a, tasks: [{name: x, uses: locale, with: {timezone: UTC}}]}]\n');
    assert.throws(() => renderSequence(f), /with: Unrecognized key.*timezone/);
  });

  test('${vars} in the file\'s with strings are substituted; unknown ones name the task; $${ stays literal', () => {
    const f = file(`
name: t
stages:
  - name: a
    tasks:
      - name: x
        script: "$With.source"
        with: {source: '\${media}\\sources\\sxs', list: ['\${site}-1', '$\${site}'], n: 3}
`);
    const doc = renderSequence(f, { vars: { media: '\\\\vizor\\media\\w10', site: 'lab' } });
    assert.deepEqual(doc.stages[0]!.tasks[0]!.with, { source: '\\\\vizor\\media\\w10\\sources\\sxs', list: ['lab-1', '${site}'], n: 3 });
    assert.throws(() => renderSequence(f, { vars: { media: 'm' } }), (e: unknown) => e instanceof SequenceRenderError && e.problems.includes('stage "a" task "x" (custom): with uses ${site}, which this build does not define'));
  });

  test("values vizor supplies are not substituted (a password may contain '${')", () => {
    const doc = renderSequence(file(builtins), { with: { langpacks: { ...share, password: 'a${b}c' } } });
    assert.equal(doc.stages[1]!.tasks[0]!.with.password, 'a${b}c');
  });

  test('structural problems are rechecked for files built in code', () => {
    const f = file(minimal());
    const broken: SequenceFile = { ...f, stages: [...f.stages, { name: 'two', tasks: [{ name: 'hello', script: '1' }] }] };
    assert.throws(() => renderSequence(broken), SequenceFormatError);
  });

  test('the digest follows the content', () => {
    const a = renderSequence(file(builtins), { with: { langpacks: share } });
    const b = renderSequence(file(builtins), { with: { langpacks: share } });
    const c = renderSequence(file(builtins), { with: { langpacks: { ...share, packages: [] } } });
    assert.equal(a.digest, b.digest);
    assert.notEqual(a.digest, c.digest);
  });

  test('every shipped sequence parses and renders with typical build values', () => {
    const files = shippedSequences();
    assert.ok(files.some((f) => f.endsWith('sequences/default.yaml')), 'sequences/default.yaml is missing');
    for (const path of files) {
      const doc = renderSequence(loadSequenceFile(path), {
        with: { langpacks: share, locale: { systemLocale: 'de-DE', timeZone: 'UTC' }, sysprep: { unattendUrl: 'http://10.0.0.1:8080/answers/x/unattend.xml' } },
        vars: { installMedia: '\\\\vizor\\media\\w10' },
      });
      assert.equal(sequenceDocumentSchema.safeParse(doc).success, true, path);
      assert.equal(doc.stages.at(-1)!.tasks.at(-1)!.uses, 'sysprep', `${path}: a shipped sequence ends in sysprep`);
    }
  });
});

function minimal(): string {
  return 'name: t\nstages: [{name: one, tasks: [{name: hello, script: "1"}]}]\n';
}
