import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBar } from '../../../src/cli/progress.js';

test('the progress bar redraws one line in place and clears it at the end', () => {
  let out = '';
  const stream = { columns: 80, isTTY: true, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const bar = new ProgressBar(stream, 10);
  bar.grow(4);
  for (let i = 0; i < 4; i++) bar.tick(`iso${i}`);
  assert.match(out, /\r\[#{10}\] 4\/4 iso3/, 'last draw shows all done');
  assert.ok(!out.includes('\n'), 'never scrolls');
  bar.finish();
  assert.ok(out.endsWith('\r\x1b[K'));
  assert.equal(ProgressBar.enabled({ isTTY: false } as NodeJS.WriteStream), false);
});
