import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { COMMAND_LINE_LIMIT, SequenceArgumentError, engineScript, firstLogonCommand } from '../../../../src/builds/sequence/index.js';
import { TemplateRenderer } from '../../../../src/templates/index.js';

const TOKEN = 'Zm9vYmFyYmF6cXV4cXV1eF9fLS0tZm9vYmFyYmF6cXV4cQ';

describe('firstLogonCommand', () => {
  test('downloads the engine from the callback URL and registers it', () => {
    const line = firstLogonCommand('http://10.0.0.1:8080/', TOKEN);
    assert.equal(
      line,
      'powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "' +
        "$d=$env:ProgramData+'\\vizor';$f=$d+'\\vizor-sequence.ps1';New-Item -ItemType Directory -Force -Path $d|Out-Null;" +
        `for($i=1;$i -le 60;$i++){try{(New-Object Net.WebClient).DownloadFile('http://10.0.0.1:8080/callbacks/${TOKEN}/vizor-sequence.ps1',$f);break}catch{Start-Sleep -Seconds 10}};` +
        `& $f -Base 'http://10.0.0.1:8080' -Token '${TOKEN}' -Register"`,
    );
  });

  test('has one pair of double quotes, no % and fits the CommandLine limit with a long base and token', () => {
    const line = firstLogonCommand(`http://${'h'.repeat(60)}.example.org:65535/vizor/api`, 'x'.repeat(128));
    assert.ok(line.length <= COMMAND_LINE_LIMIT, `${line.length} characters`);
    assert.equal(line.split('"').length - 1, 2);
    assert.ok(!line.includes('%'));
  });

  test('survives XML escaping by the answer-file renderer unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-flc-'));
    mkdirSync(join(dir, 't'));
    writeFileSync(join(dir, 't', 'c.xml.njk'), '<CommandLine>{{ c }}</CommandLine>');
    const line = firstLogonCommand('http://[fd00::1]:8080', TOKEN);
    const xml = new TemplateRenderer(dir, { autoescape: true }).render('t/c.xml.njk', { c: line });
    assert.match(xml, /&amp; \$f -Base/);
    const parsed = new XMLParser({ processEntities: true, htmlEntities: true, parseTagValue: false, trimValues: false }).parse(xml) as { CommandLine: string };
    assert.equal(parsed.CommandLine, line);
  });

  test('refuses bases that would need quoting and bad tokens without echoing the token', () => {
    for (const base of ["http://a'b", 'http://a b', 'ftp://vizor', 'http://vizor/%20', 'http://vizor/"x', 'vizor:8080']) {
      assert.throws(() => firstLogonCommand(base, TOKEN), SequenceArgumentError, base);
    }
    const secret = "s3cr3t-t0ken'; Remove-Item C:\\ -Recurse";
    assert.throws(
      () => firstLogonCommand('http://vizor', secret),
      (e: unknown) => e instanceof SequenceArgumentError && !e.message.includes('s3cr3t'),
    );
    assert.throws(() => firstLogonCommand('http://vizor', 'short'), SequenceArgumentError);
    assert.throws(() => firstLogonCommand(`http://${'h'.repeat(700)}`, TOKEN), /Windows allows 1024/);
  });
});

describe('engineScript', () => {
  test('joins the NN-name.ps1 parts of a folder in name order, ignoring other files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-eng-'));
    const parts = join(dir, 'windows', 'sequence', 'engine');
    mkdirSync(parts, { recursive: true });
    writeFileSync(join(parts, '10-b.ps1'), 'b\r\n');
    writeFileSync(join(parts, '00-a.ps1'), 'a\n\n');
    writeFileSync(join(parts, 'notes.txt'), 'not me');
    assert.equal(engineScript(dir), 'a\n\nb\n');
    assert.throws(() => engineScript(join(dir, 'missing')), SequenceArgumentError);
  });

  test('the shipped engine is assembled from its parts', () => {
    const e = engineScript();
    assert.ok(e.indexOf('function New-VizorState') < e.indexOf('function Send-VizorEvent'));
    assert.ok(e.trimEnd().endsWith('}'));
  });
});
