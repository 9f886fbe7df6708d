import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createXenServerDriver } from '../../../../src/hypervisors/xenserver/index.js';
import {
  HvAuthError, HvConfigError, HvJobFailedError, HvNotFoundError, HvStateError, HvTimeoutError, HvTransientError, HvUnsupportedError,
} from '../../../../src/hypervisors/index.js';
import { startXapiFake } from '../../../fakes/xapi/index.js';
import { containerSpec, count, FAST_RETRY, startRig } from './helpers.js';

describe('xenserver driver error paths', () => {
  test('bad credentials → HvAuthError with the XAPI code, and the password appears nowhere', async () => {
    const fake = await startXapiFake();
    const driver = createXenServerDriver({ url: fake.url, user: fake.user, password: 'wrong-s3cret', retry: FAST_RETRY });
    try {
      const err = await driver.test().then(() => assert.fail('login must fail'), (e: unknown) => e);
      assert.ok(err instanceof HvAuthError, String(err));
      assert.equal(err.platformCode, 'SESSION_AUTHENTICATION_FAILED');
      assert.equal(err.platform, 'xenserver');
      assert.doesNotMatch(`${err.message} ${err.platformMessage} ${err.stack}`, /wrong-s3cret/);
      assert.equal(count(fake, 'session.login_with_password'), 1, 'an auth failure is not retried');
      assert.deepEqual(fake.calls[0]!.params, [fake.user, '***'], 'the fake never records the password either');
    } finally {
      await driver.close();
      await fake.close();
    }
  });

  test('expired session: the client logs in again and the call succeeds', async () => {
    const rig = await startRig();
    try {
      await rig.driver.test();
      rig.fake.expireSessions();
      const vm = await rig.driver.getVm(String(rig.fake.record(rig.fake.inventory.foreignVm)!['uuid']));
      assert.equal(vm.name, 'unrelated-vm');
      assert.ok(rig.fake.calls.some((c) => c.error === 'SESSION_INVALID'), 'the old session was refused');
      assert.ok(count(rig.fake, 'session.login_with_password') >= 2, 'a second login happened');
    } finally {
      await rig.close();
    }
  });

  test('expired session and changed password → HvAuthError', async () => {
    const rig = await startRig();
    try {
      await rig.driver.test();
      rig.fake.setPassword('rotated');
      rig.fake.expireSessions();
      await assert.rejects(rig.driver.listVms(), (e: unknown) => e instanceof HvAuthError && e.platformCode === 'SESSION_AUTHENTICATION_FAILED');
    } finally {
      await rig.close();
    }
  });

  test('busy VM: OTHER_OPERATION_IN_PROGRESS is retried with backoff, then the start succeeds', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      rig.fake.busy(vm.id, 2);
      await rig.driver.start(vm.id);
      assert.equal(count(rig.fake, 'Async.VM.start'), 3);
      assert.equal(rig.fake.record(vm.id)!['power_state'], 'Running');
    } finally {
      await rig.close();
    }
  });

  test('busy forever: HvTransientError after the configured attempts', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      rig.fake.busy(vm.id);
      const err = await rig.driver.start(vm.id).then(() => assert.fail('must fail'), (e: unknown) => e);
      assert.ok(err instanceof HvTransientError, String(err));
      assert.equal(err.transient, true);
      assert.equal(err.platformCode, 'OTHER_OPERATION_IN_PROGRESS');
      assert.match(err.platformMessage ?? '', /^VM, OpaqueRef:/);
      assert.equal(count(rig.fake, 'Async.VM.start'), FAST_RETRY.attempts);
      assert.equal(rig.fake.record(vm.id)!['power_state'], 'Halted');
    } finally {
      await rig.close();
    }
  });

  test('a reset connection is retried: the start that never reached the host is sent again', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      rig.fake.dropConnection('Async.VM.start', 'before');
      await rig.driver.start(vm.id);
      assert.deepEqual(rig.fake.calls.filter((c) => c.method === 'Async.VM.start').map((c) => c.error ?? 'ok'), ['CONNECTION_RESET', 'ok']);
      assert.equal(rig.fake.record(vm.id)!['power_state'], 'Running');
    } finally {
      await rig.close();
    }
  });

  test('a create whose reply was lost is not repeated blindly: HvTransientError, one clone only', async () => {
    const rig = await startRig();
    try {
      rig.fake.dropConnection('Async.VM.clone', 'after');
      const err = await rig.driver.createContainer(containerSpec({ name: 'once' })).then(() => assert.fail('must fail'), (e: unknown) => e);
      assert.ok(err instanceof HvTransientError, String(err));
      assert.equal(count(rig.fake, 'Async.VM.clone'), 1);
    } finally {
      await rig.close();
    }
  });

  test('missing network → HvNotFoundError before anything is created', async () => {
    const rig = await startRig();
    try {
      await assert.rejects(rig.driver.createContainer(containerSpec({ network: 'no-such-net' })), (e: unknown) => e instanceof HvNotFoundError && /no-such-net/.test(e.message));
      assert.equal(count(rig.fake, 'Async.VM.clone'), 0);
    } finally {
      await rig.close();
    }
  });

  test('task failure → HvJobFailedError with the XAPI code; the half-made VM is destroyed', async () => {
    const rig = await startRig();
    try {
      rig.fake.failNext('VM.provision', 'SR_BACKEND_FAILURE_44', ['', 'There is insufficient space', '']);
      const err = await rig.driver.createContainer(containerSpec({ name: 'doomed' })).then(() => assert.fail('must fail'), (e: unknown) => e);
      assert.ok(err instanceof HvJobFailedError, String(err));
      assert.equal(err.platformCode, 'SR_BACKEND_FAILURE_44');
      assert.match(err.platformMessage ?? '', /insufficient space/);
      assert.equal(rig.fake.all('VM').filter((v) => v.record['name_label'] === 'doomed').length, 0, 'cleanup destroyed the clone');
      assert.equal(count(rig.fake, 'Async.VM.destroy'), 1);
    } finally {
      await rig.close();
    }
  });

  test('waitForPower timeout → HvTimeoutError while the guest keeps running', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.start(vm.id);
      await assert.rejects(rig.driver.waitForPower(vm.id, 'halted', { timeoutMs: 300 }), (e: unknown) => e instanceof HvTimeoutError && /halted/.test(e.message));
      assert.equal(rig.fake.record(vm.id)!['power_state'], 'Running');
    } finally {
      await rig.close();
    }
  });

  test('wrong state → HvStateError; unknown ids → HvNotFoundError', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.start(vm.id);
      await assert.rejects(rig.driver.convertToTemplate(vm.id, 't'), (e: unknown) => e instanceof HvStateError && /halted/.test(e.message));
      await assert.rejects(rig.driver.destroy(String(rig.fake.record(rig.fake.inventory.template)!['uuid'])), HvStateError, 'default templates are refused');
      await assert.rejects(rig.driver.getVm('00000000-0000-0000-0000-000000000000'), (e: unknown) => e instanceof HvNotFoundError && e.platformCode === 'UUID_INVALID');
      await assert.rejects(rig.driver.attachIso(vm.id, 'missing.iso'), HvNotFoundError);
      rig.fake.guest(vm.id).withoutPvDrivers();
      await assert.rejects(rig.driver.shutdown(vm.id), (e: unknown) => e instanceof HvStateError && e.platformCode === 'VM_MISSING_PV_DRIVERS');
    } finally {
      await rig.close();
    }
  });

  test('what XenServer cannot do → HvUnsupportedError', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await assert.rejects(rig.driver.attachPayload(vm.id, { kind: 'floppy', path: '/tmp/a.img', name: 'a.img' }), HvUnsupportedError);
      await assert.rejects(rig.driver.grant(vm.id, { principal: { kind: 'user', id: 'u1' }, role: 'UserRole' }), HvUnsupportedError);
      await assert.rejects(rig.driver.setVmOptions(vm.id, { usb: true }), HvUnsupportedError);
    } finally {
      await rig.close();
    }
  });

  test('bad options → HvConfigError at construction', () => {
    assert.throws(() => createXenServerDriver({ url: 'not a url', user: 'root', password: 'x' }), HvConfigError);
    assert.throws(() => createXenServerDriver({ url: 'ftp://h', user: 'root', password: 'x' }), HvConfigError);
    assert.throws(() => createXenServerDriver({ url: 'https://root:pw@h', user: 'root', password: 'x' }), HvConfigError);
    assert.throws(() => createXenServerDriver({ url: 'https://h', user: '', password: 'x' }), HvConfigError);
  });
});
