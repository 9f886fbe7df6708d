import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { BUILTIN_NAMES, DOCUMENT_FORMAT, SEQUENCE_STAGE, engineScript, loadBuiltinScripts, sequenceEventSchema, sequenceStateSchema } from '../../../../src/builds/sequence/index.js';
import { documentTaskSchema, sequenceDocumentSchema } from '../../../../src/builds/sequence/document.js';
import { withSchemaOf } from '../../../../src/builds/sequence/builtins.js';
import { argumentsOf, functionNode, hashKeysIn, membersOf, parsePowershell } from './powershell.js';

// The engine cannot run here (no PowerShell for Linux in Debian or npm), so these tests
// hold its source to the published contract: every key it writes and every field it
// reads must be one the zod schemas define.

const lower = (xs: Iterable<string>) => new Set([...xs].map((x) => x.toLowerCase()));
const keysOf = (schema: z.ZodObject) => lower(Object.keys(schema.shape));
const subset = (have: Set<string>, allowed: Set<string>, what: string) =>
  assert.deepEqual([...have].filter((k) => !allowed.has(k)), [], `${what} outside the contract`);

const stateShape = sequenceStateSchema.shape;
const currentSchema = (stateShape.current as z.ZodNullable<z.ZodObject>).unwrap();
const resultSchema = (stateShape.results as unknown as z.ZodRecord<z.ZodString, z.ZodObject>).valueType;
const enumOf = (s: unknown) => new Set((s as z.ZodEnum).options as string[]);

describe('engine source against the published contract', async () => {
  const engine = engineScript();
  const { root } = await parsePowershell(engine);

  test('New-VizorState writes exactly the state schema keys', () => {
    assert.deepEqual(lower(hashKeysIn(root, 'New-VizorState')), keysOf(sequenceStateSchema));
  });

  test('current task and results entries have exactly their schema keys', () => {
    assert.deepEqual(lower(hashKeysIn(root, 'Set-VizorCurrent')), keysOf(currentSchema));
    assert.deepEqual(lower(hashKeysIn(root, 'Set-VizorResult')), keysOf(resultSchema));
  });

  test('every state field the engine reads or sets is in the schema', () => {
    subset(membersOf(root, '$script:State'), keysOf(sequenceStateSchema), 'state fields');
    subset(membersOf(root, '$script:State.current'), keysOf(currentSchema), 'current-task fields');
    const statuses = new Set([...engine.matchAll(/Close-VizorState '(\w+)'|\.status -(?:eq|ne) '(\w+)'/g)].map((m) => m[1] ?? m[2]!));
    subset(statuses, enumOf(stateShape.status), 'state statuses');
    subset(new Set(argumentsOf(root, 'Set-VizorCurrent', 'Phase')), enumOf(currentSchema.shape.phase), 'current phases');
  });

  test('events carry exactly the event schema keys, with known phases and statuses', () => {
    const send = functionNode(root, 'Send-VizorEvent');
    const keys = new Set([...hashKeysIn(root, 'Send-VizorEvent'), ...membersOf(send, '$evt')].map((k) => k.toLowerCase()));
    assert.deepEqual(keys, keysOf(sequenceEventSchema));
    const statuses = new Set(['Send-VizorEvent', 'Complete-VizorTask', 'Set-VizorResult'].flatMap((c) => argumentsOf(root, c, 'Status')));
    assert.ok(statuses.has('failed') && statuses.has('skipped'), `status literals not found: ${[...statuses]}`);
    subset(statuses, enumOf(sequenceEventSchema.shape.status.unwrap()), 'event statuses');
    const phases = new Set(argumentsOf(root, 'Send-VizorEvent', 'Phase'));
    assert.deepEqual(phases, enumOf(sequenceEventSchema.shape.phase));
    assert.deepEqual(new Set(argumentsOf(root, 'Send-VizorEvent', 'Stage')), new Set([SEQUENCE_STAGE]));
  });

  test('the engine reads only fields the rendered document has', () => {
    const taskKeys = keysOf(documentTaskSchema);
    for (const v of ['$Task', '$step.task', '$seal.task', '$last.task', '$t']) subset(membersOf(root, v), taskKeys, `${v} fields`);
    assert.ok(membersOf(root, '$Task').has('timeoutminutes'), 'the engine no longer reads $Task.timeoutMinutes?');
    for (const v of ['$doc', '$Document']) subset(membersOf(root, v), keysOf(sequenceDocumentSchema), `${v} fields`);
    assert.ok(engine.includes(`-ne '${DOCUMENT_FORMAT}'`), 'the engine does not check the document format');
  });

  test("the engine's URLs are the routes vizor serves", () => {
    assert.ok(engine.includes('"$Base/callbacks/$Token/sequence.json"'));
    assert.ok(engine.includes('"$Base/callbacks/$Token/event"'));
  });

  test("built-ins read only the with keys their schema accepts", async () => {
    const scripts = loadBuiltinScripts();
    for (const name of BUILTIN_NAMES) {
      const schema = withSchemaOf(name);
      if (!(schema instanceof z.ZodObject)) continue; // custom: any key
      const text = Object.values(scripts[name]).join('\n');
      // `$With.$_` (a dynamic key) is left to the literal list it iterates.
      const used = new Set([...membersOf((await parsePowershell(text)).root, '$With')].filter((k) => !k.startsWith('$')));
      subset(used, keysOf(schema), `${name}: $With fields`);
      if (name !== 'pv-tools') assert.ok(used.size > 0, `${name} reads no $With field`);
    }
  });
});
