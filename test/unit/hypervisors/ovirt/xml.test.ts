import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, buildXml, child, items, members, parseXml, path, ref, text, texts } from '../../../../src/hypervisors/ovirt/xml.js';

describe('oVirt XML codec', () => {
  test('a one-member collection still reads as a list (plural/singular rule)', () => {
    const doc = parseXml('<?xml version="1.0"?><vms><vm href="/ovirt-engine/api/vms/1" id="1"><name>a</name></vm></vms>');
    const vms = members(doc, 'vms', 'vm');
    assert.equal(vms.length, 1);
    assert.equal(attr(vms[0], 'id'), '1');
    assert.equal(attr(vms[0], 'href'), '/ovirt-engine/api/vms/1');
    assert.equal(text(vms[0], 'name'), 'a');
  });

  test('nested repeated values, links and pretty-printed whitespace', () => {
    const doc = parseXml(`<vm id="9">
      <os>
        <boot><devices><device>network</device><device>hd</device></devices></boot>
      </os>
      <link href="/ovirt-engine/api/vms/9/nics" rel="nics"/>
      <storage_domains><storage_domain id="sd1"/></storage_domains>
    </vm>`);
    const vm = child(doc, 'vm');
    assert.deepEqual(texts(path(vm, 'os', 'boot', 'devices'), 'device'), ['network', 'hd']);
    assert.equal(attr(items(vm, 'link')[0], 'rel'), 'nics');
    assert.equal(attr(path(vm, 'storage_domains', 'storage_domain'), 'id'), 'sd1');
  });

  test('empty collections and absent fields', () => {
    const doc = parseXml('<vms/>');
    assert.deepEqual(members(doc, 'vms', 'vm'), []);
    assert.equal(text(child(doc, 'vms'), 'name'), undefined);
    assert.deepEqual(parseXml(''), {});
  });

  test('build escapes text, writes attributes, drops undefined, keeps empty elements', () => {
    const xml = buildXml('vm', {
      name: 'a<b & "c"',
      cluster: ref('c1'),
      description: undefined,
      stateless: false,
      memory: 2147483648,
      payloads: '',
      os: { boot: { devices: { device: ['network', 'hd'] } } },
    });
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?><vm>/);
    assert.match(xml, /<name>a&lt;b &amp; (&quot;|")c(&quot;|")<\/name>/);
    assert.match(xml, /<cluster id="c1"><\/cluster>|<cluster id="c1"\/>/);
    assert.doesNotMatch(xml, /description/);
    assert.match(xml, /<stateless>false<\/stateless><memory>2147483648<\/memory><payloads><\/payloads>/);
    assert.match(xml, /<devices><device>network<\/device><device>hd<\/device><\/devices>/);
  });

  test('what build writes, parse reads back', () => {
    const body = { name: 'x & y', files: { file: [{ name: 'unattend.xml', content: '<u a="1">\n  é\n</u>' }] } };
    const back = child(parseXml(buildXml('payload', body)), 'payload');
    assert.equal(text(back, 'name'), 'x & y');
    const files = members(back!, 'files', 'file');
    assert.equal(text(files[0], 'content'), '<u a="1">\n  é\n</u>');
  });
});
