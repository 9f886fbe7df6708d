import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SequenceArgumentError,
  SequenceFormatError,
  SequenceRenderError,
  loadSequenceFile,
  parseSequenceFile,
} from '../../../../src/builds/sequence/index.js';
import { hasCode } from '../../../../src/errors.js';

/** The problems a file is refused with (fails the test when it is accepted). */
function problemsOf(yaml: string): string[] {
  try {
    parseSequenceFile(yaml, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof SequenceFormatError, `expected SequenceFormatError, got ${String(err)}`);
    assert.match(err.message, /^sequence test\.yaml: /);
    return [...err.problems];
  }
  assert.fail('the file was accepted');
}

const minimal = `
name: t
stages:
  - name: one
    tasks:
      - name: hello
        script: "'hello'"
`;

describe('sequence file format', () => {
  test('a minimal file parses; uses defaults to custom (left unset in the file)', () => {
    const f = parseSequenceFile(minimal);
    assert.equal(f.name, 't');
    assert.equal(f.stages[0]!.tasks[0]!.script, "'hello'");
    assert.equal(f.stages[0]!.tasks[0]!.uses, undefined);
  });

  test('YAML syntax errors and duplicate keys are reported as YAML problems', () => {
    assert.match(problemsOf('name: [unclosed\n').join(), /^YAML: /);
    assert.match(problemsOf('name: a\nname: b\nstages: []\n').join(), /YAML: .*(unique|duplicate)/i);
  });

  test('schema problems name the stage and task by index and name', () => {
    const p = problemsOf(`
name: t
stages:
  - name: one
    tasks:
      - name: hello
        script: x
        retries: 9
        colour: red
`);
    assert.ok(p.some((l) => l.startsWith('stages[0]("one").tasks[0]("hello").retries: ')), p.join('\n'));
    assert.ok(p.some((l) => /stages\[0\]\("one"\)\.tasks\[0\]\("hello"\).*colour/.test(l)), p.join('\n'));
  });

  test('bad names, empty stages and with keys PowerShell cannot read are refused', () => {
    assert.match(problemsOf('name: "bad name"\nstages: [{name: a, tasks: [{name: b, script: x}]}]\n').join(), /^name: use 1-64 letters/);
    assert.match(problemsOf('name: t\nstages: [{name: a, tasks: []}]\n').join(), /stages\[0\]\("a"\)\.tasks/);
    assert.match(problemsOf('name: t\nstages: [{name: a, tasks: [{name: b, script: x, with: {"bad-key": 1}}]}]\n').join(), /with.*PowerShell-friendly/);
    assert.match(problemsOf('name: t\nstages: [{name: a, tasks: [{name: b, script: "   "}]}]\n').join(), /script: must not be empty/);
  });

  test('unknown uses names the task and lists the built-ins', () => {
    const p = problemsOf('name: t\nstages: [{name: drivers, tasks: [{name: tools, uses: pv-tool}]}]\n');
    assert.deepEqual(p, ['stage "drivers" task "tools": unknown uses "pv-tool" (built-ins: pv-tools, langpacks, locale, custom, sysprep)']);
  });

  test('task names are unique across the sequence and stage names too, ignoring case', () => {
    const p = problemsOf(`
name: t
stages:
  - name: a
    tasks: [{name: x, script: "1"}]
  - name: B
    tasks: [{name: X, script: "1"}]
  - name: b
    tasks: [{name: y, script: "1"}]
`);
    assert.ok(p.includes('stage "B" task "X": task name already used in stage "a" (task names are unique in a sequence, ignoring case)'), p.join('\n'));
    assert.ok(p.includes('stage "b" appears twice (names are compared ignoring case)'), p.join('\n'));
  });

  test('the stage name "sequence" is reserved for sequence-wide reports', () => {
    assert.match(problemsOf('name: t\nstages: [{name: Sequence, tasks: [{name: x, script: "1"}]}]\n').join(), /reserved/);
  });

  test('sysprep must be the very last task and refuses script, post, reboot and retries', () => {
    const p = problemsOf(`
name: t
stages:
  - name: a
    tasks:
      - {name: seal, uses: sysprep, post: "1", reboot: true, retries: 1, script: "2"}
      - {name: after, script: "1"}
`);
    assert.ok(p.includes('stage "a" task "seal": sysprep must be the last task of the last stage'), p.join('\n'));
    for (const f of ['script', 'post', 'reboot', 'retries']) assert.ok(p.some((l) => l.startsWith(`stage "a" task "seal": ${f} is not allowed with sysprep`)), f);
  });

  test('a built-in keeps its own script; a custom task needs something to do', () => {
    assert.match(problemsOf('name: t\nstages: [{name: a, tasks: [{name: x, uses: locale, script: "1"}]}]\n').join(), /uses locale supplies its own script/);
    assert.match(problemsOf('name: t\nstages: [{name: a, tasks: [{name: x}]}]\n').join(), /a custom task needs a script/);
    // A task that only reboots is fine.
    assert.doesNotThrow(() => parseSequenceFile('name: t\nstages: [{name: a, tasks: [{name: x, reboot: true}]}]\n'));
  });

  test('loadSequenceFile reads a file, and names a missing one without a stack of detail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-seq-'));
    writeFileSync(join(dir, 's.yaml'), minimal);
    assert.equal(loadSequenceFile(join(dir, 's.yaml')).name, 't');
    assert.throws(() => loadSequenceFile(join(dir, 'nope.yaml')), (e: unknown) => e instanceof SequenceArgumentError && /nope\.yaml: ENOENT/.test(e.message));
    assert.throws(() => loadSequenceFile(join(dir, 's.yaml').replace('s.yaml', 'x')), SequenceArgumentError);
  });

  test('error classes carry stable codes', () => {
    const cases = [
      [new SequenceFormatError('f', ['p']), 'SEQUENCE_FORMAT', 'SequenceFormatError'],
      [new SequenceRenderError(['p']), 'SEQUENCE_RENDER', 'SequenceRenderError'],
      [new SequenceArgumentError('m'), 'SEQUENCE_ARGUMENT', 'SequenceArgumentError'],
    ] as const;
    for (const [err, code, name] of cases) {
      assert.equal(err.code, code);
      assert.equal(err.name, name);
      assert.ok(hasCode(err, code));
    }
  });
});
