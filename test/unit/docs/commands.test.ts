// The user documentation cannot drift from the code: every `vizor ...` command written in
// README.md, USAGE.md and DEBUGGING.md must exist in the real commander program with the
// flags it uses; every runnable command and every flag is documented in USAGE.md; the
// configuration block, environment variables, exit codes and template variables in
// USAGE.md match the schema and tables in the source.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../../../src/cli/main.js';
import { ExitCode } from '../../../src/cli/exit.js';
import { configSchema, envOverrides } from '../../../src/config/schema.js';
import { DECLARED_VARIABLES } from '../../../src/builds/spec.js';
import { BUILTIN_NAMES, parseSequenceFile } from '../../../src/builds/sequence/index.js';
import { HYPERVISOR_OPTIONS } from '../../../src/hypervisors/index.js';
import { extractExamples, vizorCommands, type DocExample } from './extract.js';
import { checkExample, commandAt, leafCommands } from './check.js';

// Compiled to dist/test/unit/docs/: the repository root is four levels up.
const ROOT = new URL('../../../../', import.meta.url);
const DOCS = ['README.md', 'USAGE.md', 'DEBUGGING.md'] as const;
const read = (file: string) => readFileSync(new URL(file, ROOT), 'utf8');
const examplesOf = (file: string) => extractExamples(read(file), file);
const at = (e: DocExample) => `${e.file}:${e.line}: ${e.text}`;

describe('the examples in the documentation', () => {
  for (const file of DOCS) {
    test(`${file}: every vizor command and flag exists`, () => {
      const program = buildProgram();
      const examples = examplesOf(file);
      // A broken extractor must not pass as "nothing to check".
      assert.ok(examples.length >= 10, `only ${examples.length} examples found in ${file}`);
      const problems = examples.flatMap((e) => checkExample(program, e.args, e.inBlock).problems.map((p) => `${at(e)}\n    ${p}`));
      assert.deepEqual(problems, [], `documented commands that do not match the CLI:\n${problems.join('\n')}`);
    });
  }

  test('USAGE.md shows every runnable command in an example', () => {
    const program = buildProgram();
    const shown = new Set(examplesOf('USAGE.md').map((e) => checkExample(program, e.args, false).path.join(' ')));
    const missing = leafCommands(program).map((p) => p.join(' ')).filter((p) => p !== '' && !shown.has(p));
    assert.deepEqual(missing, [], `commands without an example in USAGE.md: ${missing.join(', ')}`);
  });

  test('USAGE.md mentions every option of every command', () => {
    const program = buildProgram();
    const usage = read('USAGE.md');
    const used = new Map<string, Set<string>>();
    for (const e of examplesOf('USAGE.md')) {
      const r = checkExample(program, e.args, false);
      const key = r.path.join(' ');
      used.set(key, new Set([...(used.get(key) ?? []), ...r.flags]));
    }
    const missing: string[] = [];
    for (const path of leafCommands(program)) {
      for (const o of commandAt(program, path)!.options) {
        const flag = o.long ?? o.short!;
        // In an example of this command, or named in prose or a table as `--flag ...`.
        const inline = new RegExp(`\`${flag.replace(/[-]/g, '\\-')}[\\s\`=]`).test(usage);
        if (!used.get(path.join(' '))?.has(flag) && !inline) missing.push(`vizor ${path.join(' ')} ${flag}`);
      }
    }
    for (const o of program.options) if (!new RegExp(`\`${o.long}[\\s\`,]|, ${o.long}`).test(usage)) missing.push(`global ${o.long}`);
    assert.deepEqual(missing, [], `options USAGE.md never mentions: ${missing.join(', ')}`);
  });
});

describe('the checker itself', () => {
  const program = buildProgram();

  test('rejects an unknown command, an unknown flag and a missing required option', () => {
    assert.match(checkExample(program, ['catalgo', 'scan'], true).problems.join(), /no command "catalgo"/);
    assert.match(checkExample(program, ['catalog', 'scan', '--bogus'], true).problems.join(), /no option --bogus/);
    assert.match(checkExample(program, ['build', 'start', '--image', '12'], true).problems.join(), /required option --profile missing/);
    assert.match(checkExample(program, ['node', 'show'], true).problems.join(), /needs 1 argument/);
    assert.match(checkExample(program, ['node'], true).problems.join(), /not a runnable command/);
    assert.match(checkExample(program, ['media', 'ls', '-lRx', 'a.iso'], true).problems.join(), /no option -x/);
  });

  test('accepts global options, grouped short flags, --flag=value and option values that look like words', () => {
    assert.deepEqual(checkExample(program, ['--json', 'catalog', 'list', '--kind=guest-tools'], true).problems, []);
    assert.deepEqual(checkExample(program, ['media', 'ls', '-lR', 'a.iso', '/efi'], true).problems, []);
    assert.deepEqual(checkExample(program, ['node', 'set-task', 'pc', 'script', '--script', 'local'], true).problems, []);
    assert.deepEqual(checkExample(program, ['-c', '/etc/vizor/vizor.yaml', 'config', 'show'], true).problems, []);
    assert.deepEqual(checkExample(program, ['<noun>', '<verb>'], true).problems, [], 'a syntax line with placeholders names no command');
  });

  test('finds commands in shell lines, sessions, continuations and inline code, and nothing in YAML', () => {
    assert.deepEqual(vizorCommands('TOKEN=$(vizor token create ci --scope admin) && vizor build list | jq .'), [['token', 'create', 'ci', '--scope', 'admin'], ['build', 'list']]);
    assert.deepEqual(vizorCommands('vizor source add fs1 "smb://CORP;u@h/s" --password-stdin < pw.txt # note'), [['source', 'add', 'fs1', 'smb://CORP;u@h/s', '--password-stdin']]);
    assert.deepEqual(vizorCommands('vizor media cat a.iso x 2>/dev/null > out'), [['media', 'cat', 'a.iso', 'x']]);
    const md = [
      'Run `vizor node show <mac>` to see it, or `vizor`.', '',
      '    $ vizor media inspect a.iso', '    Source: a.iso (vizor catalog show 1)', '',
      '```sh', 'vizor build start --image 1 \\', '    --profile p', '```',
      '```yaml', 'x: vizor serve', '```',
    ].join('\n');
    assert.deepEqual(extractExamples(md, 'x.md').map((e) => [e.line, e.inBlock, e.args.join(' ')]), [
      [1, false, 'node show <mac>'],
      [3, true, 'media inspect a.iso'],
      [7, true, 'build start --image 1 --profile p'],
    ]);
  });
});

describe('USAGE.md reference sections', () => {
  const usage = read('USAGE.md');

  test('the configuration block holds every key with its built-in default', () => {
    const blocks = [...usage.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^dataDir:/m.test(b));
    assert.equal(blocks.length, 1, 'one ```yaml block starting with dataDir: is the configuration reference');
    const documented: unknown = parseYaml(blocks[0]!);
    assert.ok(configSchema.safeParse(documented).success, 'the documented configuration is valid');
    assert.deepEqual(documented, configSchema.parse({}), 'documented values are exactly the defaults, every key present');
  });

  test('every environment override and exit code is in its table', () => {
    for (const name of Object.keys(envOverrides)) assert.match(usage, new RegExp(`\`${name}\``), `${name} undocumented`);
    for (const [name, code] of Object.entries(ExitCode)) assert.match(usage, new RegExp(`^\\| ${code} \\|`, 'm'), `exit code ${code} (${name}) undocumented`);
  });

  test('every declared template variable is in a variables table', () => {
    for (const [family, names] of Object.entries(DECLARED_VARIABLES)) {
      for (const n of names) assert.match(usage, new RegExp(`^\\| [^\\n]*\`${n}\``, 'm'), `${family} variable ${n} undocumented`);
    }
  });

  test('the sequence example is a valid sequence file and every built-in is in the table', () => {
    const blocks = [...usage.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^stages:/m.test(b));
    assert.equal(blocks.length, 1, 'one ```yaml block with stages: is the sequence example');
    assert.doesNotThrow(() => parseSequenceFile(blocks[0]!, 'USAGE.md sequence example'));
    for (const b of BUILTIN_NAMES) assert.match(usage, new RegExp(`^\\| \`${b}\` \\|`, 'm'), `built-in ${b} not in the table`);
  });

  test('links the format documents that exist', () => {
    for (const doc of ['docs/rooms-format.md', 'docs/sequence-format.md']) {
      assert.ok(existsSync(new URL(doc, ROOT)), `${doc} is missing`);
      assert.ok(usage.includes(`](${doc}`), `USAGE.md does not link ${doc}`);
    }
  });

  test("every hypervisor option is in its platform's row", () => {
    for (const [kind, options] of Object.entries(HYPERVISOR_OPTIONS)) {
      const row = new RegExp(`^\\| \`${kind}\` \\|(.*)$`, 'm').exec(usage)?.[1] ?? '';
      for (const o of Object.keys(options)) assert.ok(row.includes(`\`${o}\``), `${kind} option ${o} missing from its row in USAGE.md`);
    }
  });
});

describe('links between the documents', () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  const anchors = (md: string) => new Set([...md.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));

  test('every local link and #anchor resolves', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, hash] = target.split('#') as [string, string | undefined];
        const doc = path === '' ? file : path;
        if (!existsSync(new URL(doc, ROOT))) broken.push(`${file}: ${target} (no file)`);
        else if (hash && doc.endsWith('.md') && !anchors(read(doc)).has(hash)) broken.push(`${file}: ${target} (no heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
