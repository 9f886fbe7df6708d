import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { engineDir, engineScript, firstLogonCommand, loadBuiltinScripts, loadSequenceFile, renderSequence } from '../../../../src/builds/sequence/index.js';
import { defaultTemplatesDir } from '../../../../src/templates/index.js';
import { commandsOf, definedFunctions, describeProblems, nodesOf, parsePowershell } from './powershell.js';
import { shippedSequences } from './shipped.js';

// Windows PowerShell 5.1 commands the engine and built-ins may call. A name outside this
// list and not defined in the script is a typo or a PowerShell 7-only command.
const KNOWN = new Set(
  `Add-Member Clear-EventLog ConvertFrom-Json ConvertTo-Json Copy-UserInternationalSettingsToSystem Enable-WindowsOptionalFeature
  ForEach-Object Get-CimInstance Get-Command Get-Content Get-Date Get-EventLog Get-Service Get-WindowsOptionalFeature Invoke-RestMethod
  Invoke-WebRequest Join-Path Move-Item New-Item New-Object New-ScheduledTaskAction New-ScheduledTaskPrincipal New-ScheduledTaskSettingsSet
  New-ScheduledTaskTrigger New-SmbMapping New-WinUserLanguageList Out-Null Out-String Receive-Job Register-ScheduledTask Remove-Item
  Remove-Job Remove-SmbMapping Remove-TypeData Restart-Computer Select-Object Set-Culture Set-WinHomeLocation Set-WinSystemLocale
  Set-WinUserLanguageList Split-Path Start-Job Start-Process Start-ScheduledTask Start-Sleep Stop-Job Test-Path Unregister-ScheduledTask
  Wait-Job Where-Object Invoke-VizorNative`
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => n.toLowerCase()),
);

// Parameters that exist only in PowerShell 6/7: Windows PowerShell 5.1 stops on them.
const PS7_ONLY: Record<string, string[]> = {
  'convertfrom-json': ['-ashashtable', '-depth', '-noenumerate'],
  'convertto-json': ['-asarray', '-enumsasstrings', '-escapehandling'],
  'invoke-restmethod': ['-skipcertificatecheck', '-statuscodevariable', '-responseheadersvariable', '-maximumretrycount', '-retryintervalsec', '-skiphttperrorcheck', '-authentication'],
  'invoke-webrequest': ['-skipcertificatecheck', '-skiphttperrorcheck', '-maximumretrycount', '-retryintervalsec', '-authentication'],
  'foreach-object': ['-parallel'],
  'start-process': ['-environment'],
  'join-path': ['-additionalchildpath'],
  'get-content': ['-asbytestream'],
};

/** Every piece of PowerShell vizor ships: engine parts, the engine, built-ins, shipped custom phases. */
function allScripts(): { name: string; text: string; engine: boolean }[] {
  const dir = engineDir();
  const out = readdirSync(dir).sort().map((f) => ({ name: `engine/${f}`, text: readFileSync(join(dir, f), 'utf8'), engine: true }));
  out.push({ name: 'vizor-sequence.ps1', text: engineScript(), engine: true });
  const tasks = join(defaultTemplatesDir(), 'windows', 'sequence', 'tasks');
  for (const f of readdirSync(tasks).sort()) out.push({ name: `tasks/${f}`, text: readFileSync(join(tasks, f), 'utf8'), engine: false });
  for (const path of shippedSequences()) {
    const doc = renderSequence(loadSequenceFile(path), { with: { langpacks: { packages: ['\\\\v\\m\\lp.cab'] } }, vars: { installMedia: '\\\\v\\m' } });
    for (const t of doc.stages.flatMap((s) => s.tasks)) {
      for (const phase of ['pre', 'script', 'post'] as const) {
        const text = t[phase];
        if (text) out.push({ name: `${path.replace(/.*\/sequences\//, 'sequences/')}:${t.id}:${phase}`, text, engine: false });
      }
    }
  }
  return out;
}

/** The text with comments and strings blanked, so operators can be searched for. */
function codeOnly(root: Node, text: string): string {
  const chars = [...text];
  for (const n of nodesOf(root)) {
    if (/comment|string_literal|string_characters/.test(n.type)) for (let i = n.startIndex; i < n.endIndex; i++) chars[i] = ' ';
  }
  return chars.join('');
}

describe('PowerShell shipped with vizor (parsed with tree-sitter-powershell)', () => {
  const scripts = allScripts();

  test('the checker finds the errors it is meant to find', async () => {
    const engine = engineScript();
    const broken = [
      ['a missing closing brace', engine.replace(/\n}\n\nfunction Unregister-VizorTask/, '\n\nfunction Unregister-VizorTask')],
      ['an unterminated string', engine.replace("$script:TaskName = 'vizor-sequence'", "$script:TaskName = 'vizor-sequence")],
      ['an unclosed parenthesis', engine.replace('if (-not (Test-Path -LiteralPath $StateFile))', 'if (-not (Test-Path -LiteralPath $StateFile)')],
      ['the PowerShell 7 ?? operator', engine.replace('$limit = [int]$Task.retries + 1', '$limit = ($Task.retries ?? 0) + 1')],
    ] as const;
    for (const [what, text] of broken) {
      assert.notEqual(text, engine, `the mutation for ${what} no longer applies: update this test`);
      assert.ok((await parsePowershell(text)).problems.length > 0, `${what} went unnoticed`);
    }
  });

  test('every script parses without an error or missing node', async () => {
    assert.ok(scripts.length > 15, `only ${scripts.length} scripts found`);
    for (const s of scripts) {
      const { problems } = await parsePowershell(s.text);
      assert.deepEqual(problems, [], describeProblems(s.name, problems));
    }
  });

  test('no PowerShell 7-only syntax or parameters (the guest runs Windows PowerShell 5.1)', async () => {
    for (const s of scripts) {
      const { root } = await parsePowershell(s.text);
      assert.equal(root.descendantsOfType('pipeline_chain_tail').length, 0, `${s.name}: && / || pipeline chains are PowerShell 7 only`);
      assert.doesNotMatch(codeOnly(root, s.text), /\?\?|\?\.|\$Is(Windows|Linux|MacOS|CoreCLR)\b/i, `${s.name}: PowerShell 7-only operator or variable`);
      for (const c of commandsOf(root)) {
        const bad = (PS7_ONLY[c.name.toLowerCase()] ?? []).filter((p) => c.parameters.includes(p));
        assert.deepEqual(bad, [], `${s.name}:${c.line}: ${c.name} ${bad.join(' ')} exists only in PowerShell 7`);
        if (/^invoke-(webrequest|restmethod)$/i.test(c.name)) {
          // Without it Windows PowerShell needs Internet Explorer's engine, which SYSTEM never initialised.
          assert.ok(c.parameters.includes('-usebasicparsing'), `${s.name}:${c.line}: ${c.name} without -UseBasicParsing`);
        }
      }
    }
  });

  test('every command called is defined in the script or a known Windows PowerShell 5.1 command', async () => {
    const lib = (await parsePowershell(Object.values(loadBuiltinScripts()).map((b) => b.lib ?? '').join('\n'))).root;
    const libFunctions = definedFunctions(lib);
    // Engine parts call functions other parts define.
    const engineFunctions = definedFunctions((await parsePowershell(engineScript())).root);
    for (const s of scripts) {
      const { root } = await parsePowershell(s.text);
      const defined = s.engine ? engineFunctions : definedFunctions(root);
      const unknown = commandsOf(root).filter((c) => !KNOWN.has(c.name.toLowerCase()) && !defined.has(c.name.toLowerCase()) && !(!s.engine && libFunctions.has(c.name.toLowerCase())));
      assert.deepEqual(unknown.map((c) => `${c.name} (line ${c.line})`), [], `${s.name} calls unknown commands`);
    }
  });

  test('the engine is ASCII (Windows PowerShell reads a BOM-less script as ANSI) and starts with its param block', async () => {
    const engine = engineScript();
    assert.match(engine, /^[\x09\x0a\x0d\x20-\x7e]*$/, 'non-ASCII character in the engine');
    const { root } = await parsePowershell(engine);
    const params = root.namedChildren.filter((n) => n.type !== 'comment')[0]!;
    assert.equal(params.type, 'param_block', 'the engine does not start with its param block');
    const names = params.descendantsOfType('script_parameter').map((p) => p.namedChildren.find((c) => c.type === 'variable')?.text);
    assert.deepEqual(names, ['$Base', '$Token', '$StateFile', '$Register', '$Retry', '$FetchAttempts']);
    assert.ok(root.text.trimStart().startsWith('<#'), 'the engine starts with its comment-based help');
  });

  test("the first-logon command's PowerShell parses and calls the engine with -Register", async () => {
    const line = firstLogonCommand('http://10.0.0.1:8080', 'abcdefghijklmnop');
    const payload = /-Command "(.*)"$/.exec(line)![1]!;
    const { root, problems } = await parsePowershell(payload);
    assert.deepEqual(problems, [], describeProblems('FirstLogonCommand', problems));
    assert.ok(commandsOf(root).some((c) => c.name === 'New-Item'));
    assert.match(payload, /& \$f -Base 'http:\/\/10\.0\.0\.1:8080' -Token 'abcdefghijklmnop' -Register$/);
  });
});
