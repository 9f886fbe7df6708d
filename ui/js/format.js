// How vizor's values read on the page: languages, boot phases, build stages.

/** `en-US (default), de-DE`. */
export function languages(list, preferred) {
  return (list ?? []).map((l) => (l === preferred ? `${l} (default)` : l)).join(', ');
}

/** The boot phase an event kind belongs to (DHCP → TFTP → HTTP → install). */
export function phaseOf(kind) {
  if (/^(dhcp|proxy)-/.test(kind)) return 'DHCP';
  if (/^tftp-/.test(kind)) return 'TFTP';
  if (/^(http|answer)-/.test(kind)) return 'HTTP';
  if (/^install-/.test(kind)) return 'Install';
  if (/^smb-/.test(kind)) return 'SMB';
  return 'Other';
}

/** The phases shown in a node's boot strip, in boot order. */
export const BOOT_PHASES = ['DHCP', 'TFTP', 'HTTP', 'Install'];

/** The one-line gist of a boot event's details. */
export function eventSummary(kind, d = {}) {
  const parts = [];
  if (d.ip || d.yiaddr) parts.push(`ip ${d.ip ?? d.yiaddr}`);
  if (d.file) parts.push(String(d.file));
  if (d.path) parts.push(String(d.path));
  if (d.stage) parts.push(`stage ${d.stage}`);
  if (d.bytes !== undefined) parts.push(`${d.bytes} bytes`);
  if (d.status !== undefined) parts.push(`status ${d.status}`);
  if (d.error) parts.push(`error: ${d.error}`);
  if (parts.length === 0) {
    const rest = Object.entries(d).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
    parts.push(...rest);
  }
  return parts.join(', ');
}

/** The stages a build passes, in order, as the API lists them (src/builds/stages.ts decides). */
export function stagesOf(build) {
  return Array.isArray(build.stages) ? build.stages : [build.stage];
}

/**
 * Each stage's state for the progress bar: done, current (being worked on), failed or
 * pending. The stored stage is the last one reached, so the one after it is in progress.
 */
export function stageStates(build) {
  const stages = stagesOf(build);
  const reached = stages.indexOf(build.stage);
  return stages.map((name, i) => {
    if (build.state === 'done' || i <= reached) return { name, state: 'done' };
    if (i === reached + 1) {
      if (build.state === 'running' || build.state === 'cancelling') return { name, state: 'current' };
      if (build.state === 'failed') return { name, state: 'failed' };
      if (build.state === 'cancelled') return { name, state: 'cancelled' };
    }
    return { name, state: 'pending' };
  });
}
