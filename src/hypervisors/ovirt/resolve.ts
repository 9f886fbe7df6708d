/**
 * Looks up the engine objects a spec names (cluster, storage domain, vNIC profile, group,
 * role) by id or by name, before anything is created, so a typo fails with HvNotFoundError
 * instead of leaving a half-made VM behind.
 */
import { HvNotFoundError } from '../errors.js';
import type { Placement } from '../types.js';
import type { OvirtContext } from './context.js';
import { attr, child, members, text, type XmlNode } from './xml.js';

/** An engine object by id and name. */
export interface Named {
  readonly id: string;
  readonly name: string;
}

/** The well-known id of the built-in Everyone group. */
export const EVERYONE_GROUP_ID = 'eee00000-0000-0000-0000-123456789eee';

function named(node: XmlNode): Named {
  return { id: attr(node, 'id') ?? '', name: text(node, 'name') ?? '' };
}

function pick(list: readonly XmlNode[], key: string): XmlNode | undefined {
  return list.find((n) => attr(n, 'id') === key) ?? list.find((n) => text(n, 'name') === key);
}

function notFound(kind: string, key: string, list: readonly XmlNode[]): HvNotFoundError {
  const known = list.map((n) => text(n, 'name')).filter(Boolean).join(', ');
  return new HvNotFoundError(`ovirt: ${kind} "${key}" not found (known: ${known || 'none'})`, { platform: 'ovirt', platformCode: '404' });
}

/** The cluster from `placement.cluster`, else the driver's default. */
export async function resolveCluster(ctx: OvirtContext, placement: Placement | undefined): Promise<Named> {
  const key = placement?.cluster ?? ctx.defaultCluster;
  const list = members(await ctx.client.get('/clusters'), 'clusters', 'cluster');
  const found = pick(list, key);
  if (!found) throw notFound('cluster', key, list);
  return named(found);
}

/** The data storage domain from `placement.storage`, else the first data domain. */
export async function resolveStorageDomain(ctx: OvirtContext, placement: Placement | undefined): Promise<Named> {
  const list = members(await ctx.client.get('/storagedomains'), 'storage_domains', 'storage_domain').filter((d) => text(d, 'type') === 'data');
  const key = placement?.storage;
  const found = key ? pick(list, key) : list[0];
  if (!found) throw notFound('data storage domain', key ?? '(any)', list);
  return named(found);
}

/**
 * The vNIC profile for a network given by network id/name or profile id/name. A network
 * may have several profiles; the one named like the network (the engine's default) wins.
 */
export async function resolveVnicProfile(ctx: OvirtContext, network: string): Promise<Named> {
  const profiles = members(await ctx.client.get('/vnicprofiles'), 'vnic_profiles', 'vnic_profile');
  const networks = members(await ctx.client.get('/networks'), 'networks', 'network');
  const net = pick(networks, network);
  if (net) {
    const netId = attr(net, 'id');
    const mine = profiles.filter((p) => attr(child(p, 'network'), 'id') === netId);
    const found = mine.find((p) => text(p, 'name') === text(net, 'name')) ?? mine[0];
    if (!found) throw new HvNotFoundError(`ovirt: network "${network}" has no vNIC profile`, { platform: 'ovirt', platformCode: '404' });
    return named(found);
  }
  const profile = pick(profiles, network);
  if (!profile) throw notFound('network or vNIC profile', network, networks);
  return named(profile);
}

/** A role by id or name (`UserVmManager`). */
export async function resolveRole(ctx: OvirtContext, role: string): Promise<Named> {
  const list = members(await ctx.client.get('/roles'), 'roles', 'role');
  const found = pick(list, role);
  if (!found) throw notFound('role', role, list);
  return named(found);
}

/** The Everyone group's id (listed by the engine, or its well-known id). */
export async function everyoneGroupId(ctx: OvirtContext): Promise<string> {
  const list = members(await ctx.client.get('/groups'), 'groups', 'group');
  return attr(list.find((g) => text(g, 'name') === 'Everyone'), 'id') ?? EVERYONE_GROUP_ID;
}
