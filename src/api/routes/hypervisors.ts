import { z } from 'zod';
import { HvConfigError, parseHypervisorOptions, qemuStateDir } from '../../hypervisors/index.js';
import { ValidationError } from '../errors.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { nameParam } from '../schemas/common.js';
import { hypervisorCreate, hypervisorTest, hypervisorView, toHypervisorView } from '../schemas/machines.js';

type Create = z.output<typeof hypervisorCreate>;

/** Checks an add request as `vizor hypervisor add` does; returns the parsed options. */
function checkCreate(b: Create): Record<string, string | number | boolean> {
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(b.name)) throw ValidationError.of('body', 'name', 'lower-case letters, digits, . _ -');
  let options: Record<string, string | number | boolean>;
  try {
    options = parseHypervisorOptions(b.kind, Object.entries(b.options ?? {}).map(([k, v]) => `${k}=${String(v)}`));
  } catch (err) {
    if (err instanceof HvConfigError) throw ValidationError.of('body', 'options', err.message);
    throw err;
  }
  if (b.kind === 'qemu') {
    try {
      qemuStateDir(b.url);
    } catch (err) {
      if (err instanceof HvConfigError) throw ValidationError.of('body', 'url', err.message);
      throw err;
    }
    return options;
  }
  if (!/^https?:\/\//.test(b.url)) throw ValidationError.of('body', 'url', `the ${b.kind} URL must start with https:// (or http://)`);
  if (!b.user) throw ValidationError.of('body', 'user', `${b.kind} needs a user${b.kind === 'cloudstack' ? ' (the API key)' : ''}`);
  if (!b.password) throw ValidationError.of('body', 'password', `${b.kind} needs a password${b.kind === 'cloudstack' ? ' (the secret key)' : ''}`);
  return options;
}

/** `/api/v1/hypervisors`: what `vizor hypervisor` does. */
export const hypervisorRoutes: RouteGroup = {
  tag: 'hypervisors',
  description: 'Platforms vizor creates VMs on: XenServer/XCP-ng, CloudStack, oVirt, local QEMU. Secrets are write-only.',
  routes: [
    defineRoute({
      id: 'listHypervisors', method: 'get', path: '/api/v1/hypervisors', summary: 'List platforms', scope: 'read',
      response: z.array(hypervisorView),
      handler: ({ ctx }) => ctx.store.hypervisors.list().map(toHypervisorView),
    }),
    defineRoute({
      id: 'addHypervisor', method: 'post', path: '/api/v1/hypervisors', summary: 'Add a platform; its password or secret key is stored encrypted', scope: 'admin',
      body: hypervisorCreate, response: hypervisorView, status: 201,
      location: (h) => `/api/v1/hypervisors/${encodeURIComponent(h.name)}`,
      handler: ({ ctx, body }) => {
        const options = checkCreate(body);
        const password = body.kind === 'qemu' ? null : body.password!;
        const secretName = password ? `hypervisor:${body.name}` : null;
        const row = ctx.store.hypervisors.add({ name: body.name, kind: body.kind, url: body.url, username: body.user ?? null, options, secretName });
        if (password && secretName) ctx.secrets.set(secretName, password);
        return toHypervisorView(row);
      },
    }),
    defineRoute({
      id: 'getHypervisor', method: 'get', path: '/api/v1/hypervisors/:name', summary: 'Show one platform (never its secret)', scope: 'read',
      params: nameParam, response: hypervisorView,
      handler: ({ ctx, params }) => toHypervisorView(ctx.store.hypervisors.get(params.name)),
    }),
    defineRoute({
      id: 'testHypervisor', method: 'post', path: '/api/v1/hypervisors/:name/test', summary: 'Log in and report the platform version and what vizor sees there', scope: 'admin',
      params: nameParam, response: hypervisorTest,
      handler: async ({ ctx, params }) => {
        const driver = await ctx.driver(params.name);
        const info = await driver.test();
        const networks = await driver.listResources('network');
        const vms = await driver.listVms();
        return { ok: true as const, kind: info.kind, endpoint: info.endpoint, version: info.version, networks: networks.map((n) => n.name), vizorVms: vms.length };
      },
    }),
    defineRoute({
      id: 'removeHypervisor', method: 'delete', path: '/api/v1/hypervisors/:name', summary: 'Forget a platform and its stored secret (its VMs stay)', scope: 'admin',
      params: nameParam, status: 204,
      handler: ({ ctx, params }) => {
        const row = ctx.store.hypervisors.get(params.name);
        ctx.store.hypervisors.remove(params.name);
        if (row.secretName) ctx.secrets.remove(row.secretName);
      },
    }),
  ],
};
