// The web UI in headless Chromium against a real vizor: sign-in (and vizor's 401), a
// catalog scan started from the page, a hypervisor test, a build on the XenServer fake
// followed stage by stage to done, a node's boot timeline. Screenshots go to
// test-output/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startXapiFake, type XapiFake } from '../fakes/xapi/index.js';
import { isoFolder } from '../helpers/catalog.js';
import { eventually, launchChromium, screenshot, signIn, uiBench, waitForText, type UiBench } from '../helpers/browser.js';
import { playDebianInstaller } from '../integration/builds/harness.js';

const PAGE_TOKEN = 'ui-page';
const NODE_MAC = '52:54:00:aa:bb:01';

describe('web UI in Chromium', { timeout: 180_000 }, () => {
  let fake: XapiFake;
  let bench: UiBench;
  let browser: Browser;
  let page: Page;
  let pageToken: string;
  const problems: string[] = [];
  const shot = (name: string) => screenshot(page, name, (m) => console.log(m));
  const go = (route: string) => page.goto(`${bench.base}/ui/#/${route}`);

  // A setup failure (chromium or test media missing) fails every test with its message, not a hook.
  let setupError: unknown;
  const ready = () => {
    if (setupError) throw setupError;
  };

  before(async () => {
    try {
      ({ browser, page } = await launchChromium());
      page.setDefaultTimeout(30_000);
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (m) => {
        // Failed API calls the test provokes (401) are logged by Chromium as resource errors; anything else counts.
        if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      fake = await startXapiFake();
      bench = await uiBench();
      pageToken = bench.tokens.create({ name: PAGE_TOKEN, scope: 'admin' }).token;
      const dir = await isoFolder({ 'win10.iso': 'win10.iso', 'langpack.iso': 'langpack.iso', 'tools/xen-tools.iso': 'xen-tools.iso', 'debian.iso': 'debian-netinst.iso' });
      await bench.api('POST', 'sources', { name: 'lab', url: `file://${dir}` }, 201);
      await bench.api('POST', 'hypervisors', { name: 'xcp', kind: 'xenserver', url: fake.url, user: fake.user, password: fake.password }, 201);
    } catch (err) {
      setupError = err;
    }
  });
  after(async () => {
    await browser?.close();
    await bench?.close();
    await fake?.close();
  });

  test('sign-in: a wrong token gets vizor\'s 401 message, the right one opens the catalog', async () => {
    ready();
    await page.goto(`${bench.base}/ui/`);
    await page.getByRole('heading', { name: 'Sign in to vizor' }).waitFor();
    await page.getByLabel('API token').fill(`vzt_${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Use token' }).click();
    await waitForText(page.locator('#login-error'), /401 UNAUTHORIZED.*vizor token create/);
    await shot('signin-refused');
    await signIn(page, bench.base, pageToken);
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('vizor.token')), pageToken, 'kept for this tab');
  });

  test('catalog: a scan started from the page shows progress, then editions, language packs and tools', async () => {
    ready();
    await go('catalog');
    await waitForText(page.locator('#sources-table tbody'), /lab\s*file/);
    await waitForText(page.locator('#editions-table'), /No Windows editions cataloged/);
    await page.getByRole('button', { name: 'Scan all sources' }).click();
    const summary = await waitForText(page.locator('#scan-text'), /Scan \d+ done/, 90_000);
    assert.match(summary, /4 new, 0 changed/);
    assert.equal(await page.locator('#scan-bar').getAttribute('value'), await page.locator('#scan-bar').getAttribute('max'), 'the bar is full');
    const editions = page.locator('#editions-table tbody tr');
    await waitForText(page.locator('#editions-table'), /Windows 10 Pro/);
    const rows = await editions.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(rows.map((r) => r.slice(0, 5)), [
      ['1', 'Windows 10 Education', 'Education', 'x64', 'en-US (default)'],
      ['2', 'Windows 10 Enterprise', 'Enterprise', 'x64', 'en-US (default), de-DE'],
      ['3', 'Windows 10 Pro', 'Professional', 'x64', 'en-US (default)'],
    ]);
    const kinds = await page.locator('#isos-table tbody tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.children[0]!.textContent, tr.children[2]!.textContent])));
    assert.deepEqual(kinds, { 'debian.iso': 'linux-installer', 'langpack.iso': 'windows-langpack', 'tools/xen-tools.iso': 'guest-tools', 'win10.iso': 'windows-install' });
    await waitForText(page.locator('#langpacks-table'), /de-DE[\s\S]*fr-FR/);
    await waitForText(page.locator('#tools-table'), /xenserver/);
    assert.doesNotMatch(await page.locator('#sources-table').textContent() ?? '', /never/, 'the source shows its last scan');
    await shot('catalog');

    await page.getByRole('link', { name: 'win10.iso', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'win10.iso' }).waitFor();
    await waitForText(page.locator('#iso-editions-table tr', { hasText: 'Windows 10 Enterprise' }), /Enterprise.*x64.*10\.0\.19041.*en-US \(default\), de-DE/);
    await shot('catalog-iso');
  });

  test('hypervisors: the test button reports the platform', async () => {
    ready();
    await go('hypervisors');
    await waitForText(page.locator('#hypervisors-table tbody'), /xcp\s*xenserver/);
    assert.match(await page.locator('#hypervisors-table tbody').textContent() ?? '', /stored/, 'says a secret is stored, never shows it');
    assert.doesNotMatch(await page.content(), new RegExp(fake.password), 'the password never reaches the page');
    await page.getByRole('button', { name: 'Test hypervisor xcp' }).click();
    await waitForText(page.locator('#hv-results'), /ok xcp: xenserver \S+ at .*vizor VMs; networks: .+/);
    await shot('hypervisors');
  });

  test('builds: a build started through the API goes through its stages to done on the page', async () => {
    ready();
    const isos: { id: number; path: string }[] = await bench.api('GET', 'catalog/isos');
    const debian = isos.find((i) => i.path === 'debian.iso')!;
    await bench.api('POST', 'profiles', { name: 'p', hypervisor: 'xcp', spec: { network: 'vizor-net', firmware: 'bios', diskGiB: 20, memoryMiB: 2048 } }, 201);
    const build = await bench.api('POST', 'builds', { isoId: debian.id, profile: 'p', publish: true, templateName: 'debian-ui', values: { hostname: 'web1' } }, 201);
    await go(`builds/${build.id}`);
    await page.getByRole('heading', { level: 1, name: `Build ${build.id}` }).waitFor();

    // The build waits at "booting" for the installer's first callback: the page must show that.
    const booting = await eventually('the build to boot its VM', async () => {
      const b = await bench.api('GET', `builds/${build.id}`);
      return b.stage === 'booting' ? b : undefined;
    });
    await waitForText(page.locator('#stage-text'), /^Stage 3 of 8: booting — working on installer$/);
    assert.equal(await page.locator('ol.stages li[data-stage="booting"]').getAttribute('class'), 'stage-done');
    assert.equal(await page.locator('ol.stages li[data-stage="installer"]').getAttribute('aria-current'), 'step');
    await waitForText(page.locator('#build-log'), /container/);
    assert.equal(await page.locator('#build-cancel').isEnabled(), true, 'a running build can be cancelled');
    await shot('build-running');

    await playDebianInstaller(bench.boot, booting.mac);
    fake.powerOff(booting.vmId);
    await waitForText(page.locator('#stage-text'), /^Stage 8 of 8: published — done$/, 90_000);
    const stages = await page.locator('ol.stages li').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-stage')}:${li.className}`));
    assert.deepEqual(stages, ['created', 'container', 'booting', 'installer', 'setup-done', 'powered-off', 'template', 'published'].map((s) => `${s}:stage-done`));
    assert.equal(await page.locator('#stage-bar').getAttribute('value'), '8');
    await waitForText(page.locator('#build-log tbody'), /published/);
    const logIds = await page.locator('#build-log tbody tr td:first-child').allTextContents();
    assert.deepEqual(logIds, [...new Set(logIds)], 'polling with after= never repeats a log line');
    assert.deepEqual(logIds.map(Number), (await bench.api('GET', `builds/${build.id}/logs`)).map((e: { id: number }) => e.id), 'and never skips one');
    assert.equal(await page.locator('#build-cancel').isEnabled(), false);
    assert.equal(await page.locator('#build-retry').isEnabled(), false, 'a finished build is not retried');
    await shot('build-done');

    await go('builds');
    await waitForText(page.locator('#builds-table tbody tr', { hasText: build.id }), /done\s*published \(8\/8\)/);
    await shot('builds');

    // The template the build made, as the platform lists it.
    await go('hypervisors/xcp');
    await waitForText(page.locator('#vms-table tbody'), /debian-ui\s*template\s*template/);
    await shot('hypervisor-vms');
  });

  test('nodes: a machine\'s boot timeline grows while the page polls', async () => {
    ready();
    await bench.api('POST', 'nodes', { mac: NODE_MAC, name: 'lab-pc-07', task: { kind: 'menu' } }, 201);
    await go('nodes');
    await waitForText(page.locator('#nodes-table tbody'), /52:54:00:aa:bb:01\s*lab-pc-07\s*menu/);
    assert.equal((await fetch(`${bench.boot}/boot/ipxe?mac=${NODE_MAC}`)).status, 200);
    await waitForText(page.locator('#node-feed tbody'), /52:54:00:aa:bb:01\s*HTTP\s*http-script/);
    await page.getByRole('link', { name: NODE_MAC }).first().click();
    await page.getByRole('heading', { level: 1, name: `lab-pc-07 (${NODE_MAC})` }).waitFor();
    await waitForText(page.locator('#timeline tbody'), /HTTP\s*http-script/);
    await waitForText(page.locator('ol.phases li.reached'), /HTTP/);
    // The machine boots again while the page is open: exactly one new row appears.
    assert.equal((await fetch(`${bench.boot}/boot/ipxe?mac=${NODE_MAC}`)).status, 200);
    await eventually('a second timeline row', async () => ((await page.locator('#timeline tbody tr').count()) === 2 ? true : undefined), 15_000);
    await page.waitForResponse((r) => r.url().includes(`/events?after=`));
    await page.waitForResponse((r) => r.url().includes(`/events?after=`));
    assert.equal(await page.locator('#timeline tbody tr').count(), 2, 'polls with after= add only new events');
    await shot('node-timeline');
  });

  test('a revoked token sends the user back to sign-in with vizor\'s 401 message', async () => {
    ready();
    await go('builds');
    await page.locator('#builds-table').waitFor();
    bench.tokens.revoke(PAGE_TOKEN);
    await go('hypervisors');
    await waitForText(page.locator('#login-error'), /^vizor refused the token \(401 UNAUTHORIZED\): missing or invalid API token/);
    assert.equal(await page.locator('#view').isHidden(), true, 'no page content without a valid token');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('vizor.token')), null, 'the refused token is forgotten');
    await shot('signin-revoked');
  });

  test('no script errors and no CSP violations on any page', () => {
    ready();
    assert.deepEqual(problems, []);
  });
});
