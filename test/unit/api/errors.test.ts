// The one error table of the API: each code's status, the body shape, headers, and that
// anything that is not a VizorError becomes a generic 500 to be logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateError } from '../../../src/api/index.js';
import { MethodNotAllowedError, UnauthorizedError, ValidationError, ForbiddenError, ScanRunningError } from '../../../src/api/errors.js';
import { AlreadyExistsError, NotFoundError, StoreOpenError } from '../../../src/store/index.js';
import { BuildInvalidError, BuildStateError } from '../../../src/builds/index.js';
import { HvAuthError, HvNotFoundError, HvStateError, HvTimeoutError } from '../../../src/hypervisors/index.js';
import { SourceUrlError } from '../../../src/catalog/index.js';
import { SecretKeyError } from '../../../src/secrets/index.js';
import { UsageError } from '../../../src/cli/exit.js';
import { VizorError } from '../../../src/errors.js';

class OddError extends VizorError {
  readonly code = 'SOMETHING_NEW' as const;
}

test('each error code maps to its status; the body is {error: {code, message}}', () => {
  const x = { platform: 'xenserver' as const };
  const cases: [unknown, number, string][] = [
    [ValidationError.of('body', 'name', 'required'), 400, 'VALIDATION'],
    [new UsageError('bad', 'x'), 400, 'CLI_USAGE'],
    [new SourceUrlError('bad url'), 400, 'SOURCE_URL'],
    [new BuildInvalidError('bad build'), 400, 'BUILD_INVALID'],
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new ForbiddenError('read', 'admin'), 403, 'FORBIDDEN'],
    [new NotFoundError('source', 'x'), 404, 'NOT_FOUND'],
    [new HvNotFoundError('no vm', x), 404, 'HV_NOT_FOUND'],
    [new MethodNotAllowedError('PATCH', ['GET']), 405, 'METHOD_NOT_ALLOWED'],
    [new AlreadyExistsError('source', 'x'), 409, 'ALREADY_EXISTS'],
    [new BuildStateError('done'), 409, 'BUILD_STATE'],
    [new HvStateError('running', x), 409, 'HV_STATE'],
    [new ScanRunningError(3), 409, 'SCAN_RUNNING'],
    [new HvAuthError('refused', x), 502, 'HV_AUTH'],
    [new HvTimeoutError('slow', x), 502, 'HV_TIMEOUT'],
    [new SecretKeyError('/k', 'mode 644'), 500, 'SECRET_KEY'],
    [new StoreOpenError('/db', 'locked'), 500, 'STORE_OPEN'],
    [new OddError('a new code nobody mapped'), 500, 'SOMETHING_NEW'],
  ];
  for (const [err, status, code] of cases) {
    const t = translateError(err);
    assert.equal(t.status, status, code);
    assert.equal(t.body.error.code, code);
    assert.equal(t.body.error.message, (err as Error).message);
    assert.equal(t.logged, status >= 500, `${code} logged only as a 5xx`);
  }
});

test('a validation error names its field; 401 and 405 carry their headers', () => {
  const v = translateError(new ValidationError([{ in: 'body', field: 'spec.vcpus', message: 'too small' }, { in: 'query', field: 'limit', message: 'bad' }]));
  assert.equal(v.body.error.field, 'spec.vcpus');
  assert.equal(v.body.error.message, 'spec.vcpus: too small; query limit: bad');
  assert.equal(v.body.error.issues?.length, 2);
  assert.equal(translateError(new UnauthorizedError()).headers['WWW-Authenticate'], 'Bearer realm="vizor"');
  assert.equal(translateError(new MethodNotAllowedError('PUT', ['GET', 'POST'])).headers.Allow, 'GET, POST');
});

test('anything else is a generic 500 whose text is not shown (it is logged instead)', () => {
  for (const err of [new Error('SQLITE_BUSY at /var/lib/vizor/vizor.db password=hunter2'), 'a string', null]) {
    const t = translateError(err);
    assert.deepEqual([t.status, t.body.error.code, t.logged], [500, 'INTERNAL', true]);
    assert.doesNotMatch(t.body.error.message, /hunter2|SQLITE/);
  }
});
