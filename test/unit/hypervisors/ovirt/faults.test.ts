import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvAuthError, HvNotFoundError, HvRequestError, HvStateError, HvTransientError } from '../../../../src/hypervisors/errors.js';
import { errorForStatus, isBusyFault, parseFault } from '../../../../src/hypervisors/ovirt/faults.js';
import { ssoError } from '../../../../src/hypervisors/ovirt/sso.js';

describe('oVirt faults', () => {
  test('parses <fault> and an action carrying one', () => {
    assert.deepEqual(parseFault('<fault><reason>Operation Failed</reason><detail>[Cannot run VM. VM is running.]</detail></fault>'), {
      reason: 'Operation Failed',
      detail: '[Cannot run VM. VM is running.]',
    });
    assert.deepEqual(parseFault('<action><status>failed</status><fault><reason>r</reason><detail>d</detail></fault></action>'), { reason: 'r', detail: 'd' });
    assert.equal(parseFault('<vm id="1"/>'), null);
    assert.equal(parseFault('<html>not xml'), null);
  });

  test('engine lock messages are busy, state messages are not', () => {
    const busy = [
      '[Cannot run VM: Related operation is currently in progress. Please try again later.]',
      '[Cannot update VM: VM is locked. Please try again in a few minutes.]',
      '[Cannot remove VM: Snapshot is currently being created for VM b1.]',
      '[Cannot add VM. Template is locked. Please try again in a few minutes.]',
    ];
    const notBusy = [
      '[Cannot run VM. VM is running.]',
      '[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]',
      '[Cannot remove Template. Template is being used by the following VMs: a.]',
    ];
    for (const d of busy) assert.ok(isBusyFault({ reason: 'Operation Failed', detail: d }), d);
    for (const d of notBusy) assert.ok(!isBusyFault({ reason: 'Operation Failed', detail: d }), d);
  });

  test('HTTP status → error class, code and platform facts', () => {
    const f = (detail: string) => ({ reason: 'Operation Failed', detail });
    const cases: [number, ReturnType<typeof f> | null, Function, string][] = [
      [401, null, HvAuthError, 'HV_AUTH'],
      [404, f('Entity not found: 1'), HvNotFoundError, 'HV_NOT_FOUND'],
      [400, f('Entity not found: Cluster: name=x'), HvNotFoundError, 'HV_NOT_FOUND'],
      [409, f('[Cannot run VM. VM is running.]'), HvStateError, 'HV_STATE'],
      [409, f('[Cannot run VM: VM is locked. Please try again in a few minutes.]'), HvTransientError, 'HV_TRANSIENT'],
      [400, f('Vm [name] required for add'), HvRequestError, 'HV_REQUEST'],
      [503, null, HvTransientError, 'HV_TRANSIENT'],
      [500, f('boom'), HvTransientError, 'HV_TRANSIENT'],
    ];
    for (const [status, fault, cls, code] of cases) {
      const err = errorForStatus(status, fault, 'POST /vms');
      assert.ok(err instanceof cls, `${status} ${fault?.detail}`);
      assert.equal(err.code, code);
      assert.equal(err.platform, 'ovirt');
      assert.equal(err.platformCode, String(status));
      if (fault) assert.equal(err.platformMessage, `Operation Failed: ${fault.detail}`);
      assert.match(err.message, new RegExp(`^ovirt: POST /vms failed: HTTP ${status}`));
    }
    assert.equal(errorForStatus(409, f('[Cannot run VM: VM is locked.]'), 'x').transient, true);
  });

  test('SSO errors in both shapes', () => {
    assert.deepEqual(ssoError({ error_code: 'access_denied', error: "Cannot authenticate user 'a'" }), { code: 'access_denied', message: "Cannot authenticate user 'a'" });
    assert.deepEqual(ssoError({ error: 'invalid_grant', error_description: 'bad password' }), { code: 'invalid_grant', message: 'bad password' });
    assert.equal(ssoError({ access_token: 'x' }), null);
  });
});
