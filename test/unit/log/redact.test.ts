import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log/index.js';

test('secrets are redacted before a log line is written', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger('info', sink as unknown as Parameters<typeof createLogger>[1]);
  log.info({ password: 'hunter2', source: { url: 'smb://h/s', password: 'p4ss', credentials: { user: 'u' } }, token: 'abc', headers: { authorization: 'Bearer x' } }, 'source added');
  const text = lines.join('');
  for (const secret of ['hunter2', 'p4ss', 'abc', 'Bearer x', '"user":"u"']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  const line = JSON.parse(text);
  assert.equal(line.msg, 'source added');
  assert.equal(line.source.url, 'smb://h/s', 'non-secret fields stay');
  assert.equal(line.password, '[redacted]');
});
