import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { linuxFamilyOf, makeLinuxInstallTask, makeWindowsInstallTask } from '../../boot/index.js';
import type { NodeTask } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { PreconditionError, ValidationError } from '../errors.js';
import type { TaskInput } from '../schemas/machines.js';

const bad = (field: string, message: string) => ValidationError.of('body', `task.${field}`, message);

/**
 * Turns a task as the API accepts it into the stored task, with the checks `vizor node
 * set-task` makes; a Windows Administrator password goes to the secrets store only once
 * the task is known to be valid.
 */
export function nodeTaskFrom(ctx: ApiContext, mac: string, t: TaskInput): NodeTask {
  switch (t.kind) {
    case 'default':
    case 'local':
    case 'menu':
    case 'register':
      return { kind: t.kind };
    case 'script':
      return { kind: 'script', script: t.script.replace(/^#!ipxe\s*\n/, '') };
    case 'linux-install':
      return linuxTask(ctx, t);
    case 'windows-install':
      return windowsTask(ctx, mac, t);
  }
}

function linuxTask(ctx: ApiContext, t: Extract<TaskInput, { kind: 'linux-install' }>): NodeTask {
  const iso = ctx.store.query.getIso(String(t.isoId));
  if (!iso.linux) throw bad('isoId', `ISO ${t.isoId} is not a Linux installer the catalog recognised`);
  const family = t.family ?? linuxFamilyOf(iso.linux.distro);
  if (!family) throw bad('family', `cannot tell the installer family of distro "${iso.linux.distro}": give debian or rhel`);
  const task = makeLinuxInstallTask({ isoId: iso.id, family, values: t.values ?? {}, ...(t.kernelArgs ? { kernelArgs: t.kernelArgs } : {}) });
  if ('problem' in task) throw bad('values', task.problem);
  return task;
}

function windowsTask(ctx: ApiContext, mac: string, t: Extract<TaskInput, { kind: 'windows-install' }>): NodeTask {
  const wimboot = join(ctx.bootFilesDir, 'wimboot');
  if (!existsSync(wimboot)) {
    throw new PreconditionError(`wimboot not found at ${wimboot}; Windows network installs need it: run appliance/setup.sh --wimboot FILE`);
  }
  const iso = ctx.store.query.getIso(String(t.isoId));
  if (!iso.installImage || iso.editionList.length === 0) throw bad('isoId', `ISO ${t.isoId} is not a Windows install medium the catalog recognised`);
  if (t.imageIndex !== undefined && t.imageName !== undefined) throw bad('imageIndex', 'give imageIndex or imageName, not both');
  if (t.imageIndex !== undefined && !iso.editionList.some((e) => e.index === t.imageIndex)) {
    throw bad('imageIndex', `ISO ${t.isoId} has no image ${t.imageIndex}: it has ${iso.editionList.map((e) => `${e.index} (${e.name ?? '?'})`).join(', ')}`);
  }
  const image = t.imageName !== undefined ? { name: t.imageName } : { index: t.imageIndex ?? 1 };
  const secretName = `node-admin:${mac}`;
  const task = makeWindowsInstallTask({ isoId: iso.id, version: t.release ?? '', arch: t.arch ?? 'amd64', image, adminPasswordSecret: secretName, values: t.values ?? {} });
  if ('problem' in task) throw bad(task.problem.startsWith('version') ? 'release' : 'values', task.problem);
  ctx.secrets.set(secretName, t.adminPassword);
  return task;
}
