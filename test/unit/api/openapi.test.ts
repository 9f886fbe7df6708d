// The OpenAPI document: valid OpenAPI 3.1 (checked by a maintained validator against the
// official schema), and exactly the routes express serves, no more, no fewer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Validator } from '@seriousme/openapi-schema-validator';
import { apiRouter, openApiDocument, API_ROUTE_GROUPS, openApiPath } from '../../../src/api/index.js';
import { Store } from '../../../src/store/index.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string }[]; security?: unknown[]; 'x-vizor-scope': string }>> };

test('the document validates as OpenAPI 3.1 and every $ref resolves', async () => {
  const doc = openApiDocument();
  const v = new Validator();
  const res = await v.validate(doc as unknown as Parameters<Validator['validate']>[0]);
  assert.equal(res.valid, true, JSON.stringify(res.errors, null, 2));
  assert.equal(v.version, '3.1');
  assert.doesNotThrow(() => v.resolveRefs());
  // The validator is not a rubber stamp: a broken copy is refused.
  const broken = JSON.parse(JSON.stringify(doc)) as { paths: Record<string, Record<string, { responses?: unknown }>> };
  delete broken.paths['/api/v1/sources']!.get!.responses;
  broken.paths['/api/v1/sources']!.get!.responses = 'none';
  assert.equal((await new Validator().validate(broken as unknown as Parameters<Validator['validate']>[0])).valid, false);
  // A dangling reference would make a client generator fail: check them one by one.
  const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
  for (const ref of JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? []) {
    assert.ok(schemas[ref.slice(23, -1)], `${ref} is defined`);
  }
});

test('every express route is in the document and every documented operation is routed', () => {
  const store = Store.open(':memory:');
  try {
    const router = apiRouter({ store, keyFile: '/nonexistent/key', log: pino({ level: 'silent' }), driver: async () => assert.fail('no driver'), mountRoot: '/tmp', scanConcurrency: 1, bootFilesDir: '/tmp' });
    const routed = new Set<string>();
    for (const layer of (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack) {
      if (!layer.route) continue;
      for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') routed.add(`${m} ${openApiPath(layer.route.path)}`);
    }
    const doc = openApiDocument() as unknown as Doc;
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    assert.deepEqual([...routed].sort(), [...documented].sort());
    assert.ok(documented.size >= 45, `all resources are there (${documented.size} operations)`);
    for (const want of ['get /api/v1/sources', 'post /api/v1/catalog/scans', 'get /api/v1/nodes/{ref}/events', 'post /api/v1/hypervisors/{name}/vms/{id}/stop', 'get /api/v1/builds/{id}/logs', 'get /api/v1/events', 'get /api/openapi.json']) {
      assert.ok(documented.has(want), want);
    }
  } finally {
    store.close();
  }
});

test('path parameters are declared, operation ids unique, only the document itself is public', () => {
  const doc = openApiDocument() as unknown as Doc;
  const ids = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
      assert.deepEqual(declared, templated, `${method} ${path}`);
      const isPublic = path === '/api/openapi.json';
      assert.equal(op['x-vizor-scope'] === 'public', isPublic, `${method} ${path} scope`);
      if (method !== 'get' && !isPublic) assert.equal(op['x-vizor-scope'], 'admin', `${method} ${path} mutates: admin scope`);
      assert.equal(op.security !== undefined, isPublic);
    }
  }
  assert.equal(ids.size, API_ROUTE_GROUPS.flatMap((g) => g.routes).length);
});

test('secrets are write-only in the document: request fields, never response fields', () => {
  const doc = openApiDocument();
  const schemas = JSON.stringify((doc.components as { schemas: unknown }).schemas);
  assert.doesNotMatch(schemas, /"(password|adminPassword|secretName|token)"/, 'no response schema has a secret field');
  const bodies = JSON.stringify(doc.paths);
  assert.match(bodies, /"password":\{[^}]*"writeOnly":true/);
  assert.match(bodies, /"adminPassword":\{[^}]*"writeOnly":true/);
});
