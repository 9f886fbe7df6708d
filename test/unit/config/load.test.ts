import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError, ConfigFileError, configSearchPath } from '../../../src/config/index.js';

function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'vizor-config-'));
}

describe('loadConfig', () => {
  test('built-in defaults apply when no file exists', () => {
    const home = tempHome();
    const { config, file } = loadConfig({ env: {}, home, systemFile: join(home, 'no-such-vizor.yaml') });
    assert.equal(file, null);
    assert.equal(config.http.port, 8080);
    assert.equal(config.log.level, 'info');
    assert.equal(config.dataDir, '/var/lib/vizor');
    assert.equal(config.boot.dhcp.mode, 'off', 'network services are off until configured');
  });

  test('search order: --config, then $VIZOR_CONFIG, then ~/.config, then /etc', () => {
    const paths = configSearchPath({ explicitFile: '/a.yaml', env: { VIZOR_CONFIG: '/b.yaml' }, home: '/h' });
    assert.deepEqual(paths.map((p) => p.file), ['/a.yaml', '/b.yaml', '/h/.config/vizor/vizor.yaml', '/etc/vizor/vizor.yaml']);
    assert.deepEqual(paths.map((p) => p.required), [true, true, false, false]);
  });

  test('first file found wins, and the user file is used when present', () => {
    const home = tempHome();
    mkdirSync(join(home, '.config/vizor'), { recursive: true });
    writeFileSync(join(home, '.config/vizor/vizor.yaml'), 'http:\n  port: 9001\n');
    const { config, file } = loadConfig({ env: {}, home });
    assert.equal(file, join(home, '.config/vizor/vizor.yaml'));
    assert.equal(config.http.port, 9001);
    assert.equal(config.http.host, '0.0.0.0', 'unset keys keep their defaults');
  });

  test('precedence: file < env < flags', () => {
    const home = tempHome();
    const f = join(home, 'v.yaml');
    writeFileSync(f, 'http:\n  port: 9001\nlog:\n  level: warn\n');
    const { config } = loadConfig({ explicitFile: f, env: { VIZOR_HTTP_PORT: '9002', VIZOR_LOG_LEVEL: 'debug' }, home, flags: { 'log.level': 'error' } });
    assert.equal(config.http.port, 9002);
    assert.equal(config.log.level, 'error');
  });

  const invalid: { name: string; yaml: string; env?: Record<string, string>; paths: string[] }[] = [
    { name: 'unknown key', yaml: 'htp:\n  port: 1\n', paths: [''] },
    { name: 'port out of range', yaml: 'http:\n  port: 70000\n', paths: ['http.port'] },
    { name: 'bad enum', yaml: 'log:\n  level: loud\n', paths: ['log.level'] },
    { name: 'several problems at once', yaml: 'http:\n  port: 0\ncatalog:\n  scanConcurrency: 0\n', paths: ['http.port', 'catalog.scanConcurrency'] },
    { name: 'env value not a number', yaml: '', env: { VIZOR_HTTP_PORT: 'eighty' }, paths: ['http.port'] },
  ];
  for (const c of invalid) {
    test(`invalid: ${c.name} lists every problem with its path`, () => {
      const home = tempHome();
      const f = join(home, 'v.yaml');
      writeFileSync(f, c.yaml);
      assert.throws(
        () => loadConfig({ explicitFile: f, env: c.env ?? {}, home }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.equal(err.code, 'CONFIG_INVALID');
          assert.deepEqual(err.problems.map((p) => p.path).sort(), [...c.paths].sort());
          return true;
        },
      );
    });
  }

  test('env problems name the variable as their origin', () => {
    const home = tempHome();
    try {
      loadConfig({ env: { VIZOR_HTTP_PORT: '99999' }, home, systemFile: join(home, 'none.yaml') });
      assert.fail('expected ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /env VIZOR_HTTP_PORT/);
    }
  });

  test('a missing --config file is an error, not a silent fallback', () => {
    assert.throws(() => loadConfig({ explicitFile: '/nonexistent/vizor.yaml', env: {} }), (err: unknown) => err instanceof ConfigFileError && /does not exist/.test(err.message));
  });

  test('malformed YAML names the file and line', () => {
    const home = tempHome();
    const f = join(home, 'v.yaml');
    writeFileSync(f, 'http:\n  port: [1,\n');
    assert.throws(() => loadConfig({ explicitFile: f, env: {} }), (err: unknown) => err instanceof ConfigFileError && err.message.includes(f) && /line \d+/.test(err.message));
  });

  test('a top-level list is rejected', () => {
    const home = tempHome();
    const f = join(home, 'v.yaml');
    writeFileSync(f, '- a\n- b\n');
    assert.throws(() => loadConfig({ explicitFile: f, env: {} }), /top level must be a mapping/);
  });

  test('the returned configuration is frozen', () => {
    const home = tempHome();
    const { config } = loadConfig({ env: {}, home, systemFile: join(home, 'none.yaml') });
    assert.ok(Object.isFrozen(config));
  });
});
