import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HvAuthError, HvConfigError, HvJobFailedError, HvNotFoundError, HvRequestError, HvStateError, HvTransientError, HvUnsupportedError,
} from '../../../../src/hypervisors/index.js';
import { mapXapiError } from '../../../../src/hypervisors/xenserver/index.js';
import { badPowerStateActual } from '../../../../src/hypervisors/xenserver/errors.js';

/** What xen-api throws: an Error with code and params (and task for Async failures). */
const xapiError = (code: string, params: string[], task?: unknown): Error => Object.assign(new Error(`${code}(${params.join(', ')})`), { code, params, task });
const netError = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code });

const SYNC = { method: 'VM.get_record', fromTask: false };
const TASK = { method: 'VM.start', fromTask: true };

describe('xenserver error mapping', () => {
  test('XAPI codes map to typed errors, keeping the code and params', () => {
    const cases: Array<[string, string[], Function]> = [
      ['SESSION_AUTHENTICATION_FAILED', ['root', 'Authentication failure'], HvAuthError],
      ['HANDLE_INVALID', ['VM', 'OpaqueRef:x'], HvNotFoundError],
      ['UUID_INVALID', ['VM', 'u'], HvNotFoundError],
      ['VM_BAD_POWER_STATE', ['OpaqueRef:x', 'halted', 'running'], HvStateError],
      ['OTHER_OPERATION_IN_PROGRESS', ['VM', 'OpaqueRef:x'], HvTransientError],
      ['MESSAGE_METHOD_UNKNOWN', ['VM.frob'], HvUnsupportedError],
      ['MESSAGE_PARAMETER_COUNT_MISMATCH', ['VM.start', '4', '2'], HvRequestError],
    ];
    for (const [code, params, cls] of cases) {
      const e = mapXapiError(xapiError(code, params), SYNC);
      assert.ok(e instanceof cls, `${code} → ${cls.name}, got ${e.constructor.name}`);
      assert.equal(e.platformCode, code);
      assert.equal(e.platformMessage, params.join(', '));
      assert.equal(e.platform, 'xenserver');
      assert.match(e.message, new RegExp(`^xenserver: VM\\.get_record .*${code}`));
    }
  });

  test('a failed task with an unlisted code is HvJobFailedError; the same code from a plain call is HvRequestError', () => {
    const fromTask = mapXapiError(xapiError('SR_BACKEND_FAILURE_44', ['', 'no space', '']), TASK);
    assert.ok(fromTask instanceof HvJobFailedError);
    assert.equal(fromTask.platformCode, 'SR_BACKEND_FAILURE_44');
    assert.ok(mapXapiError(xapiError('SR_BACKEND_FAILURE_44', []), SYNC) instanceof HvRequestError);
    assert.ok(mapXapiError(xapiError('SR_BACKEND_FAILURE_44', [], { status: 'failure' }), SYNC) instanceof HvJobFailedError, 'a task on the error marks it too');
    assert.ok(mapXapiError(xapiError('VM_BAD_POWER_STATE', ['r', 'halted', 'running']), TASK) instanceof HvStateError, 'known codes keep their class inside tasks');
  });

  test('SESSION_INVALID never carries the session ref (a bearer credential)', () => {
    const e = mapXapiError(xapiError('SESSION_INVALID', ['OpaqueRef:secret-session']), SYNC);
    assert.ok(e instanceof HvAuthError);
    assert.doesNotMatch(`${e.message} ${e.platformMessage}`, /secret-session/);
    assert.equal(e.cause, undefined);
  });

  test('network failures are transient; DNS and TLS trouble are configuration errors; assertion during re-login is transient', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET']) assert.ok(mapXapiError(netError(code), SYNC) instanceof HvTransientError, code);
    const tls = mapXapiError(netError('DEPTH_ZERO_SELF_SIGNED_CERT'), SYNC);
    assert.ok(tls instanceof HvConfigError);
    assert.match(tls.message, /allowUnauthorized/);
    assert.ok(mapXapiError(netError('ENOTFOUND'), SYNC) instanceof HvConfigError);
    assert.ok(mapXapiError(Object.assign(new Error('x'), { code: 'ERR_ASSERTION' }), SYNC) instanceof HvTransientError);
    const wrapped = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } });
    assert.ok(mapXapiError(wrapped, SYNC) instanceof HvTransientError, 'codes are read from the cause too');
    assert.ok(mapXapiError(new Error('odd'), SYNC) instanceof HvRequestError);
  });

  test('badPowerStateActual reads the actual state of VM_BAD_POWER_STATE only', () => {
    assert.equal(badPowerStateActual(mapXapiError(xapiError('VM_BAD_POWER_STATE', ['r', 'running', 'halted']), TASK)), 'halted');
    assert.equal(badPowerStateActual(mapXapiError(xapiError('HANDLE_INVALID', ['VM', 'r']), TASK)), undefined);
  });
});
