import type { FakeContext, MethodTable } from '../context.js';
import { NULL_REF, type XapiRecord } from '../schema.js';
import { str } from './args.js';
import { createVdi } from './vm-common.js';

/** sm's ISOSR takes a VDI's uuid from a file named `<uuid>.iso` / `<uuid>.img`. */
const UUID_FILE_RE = /^([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})\.(?:iso|img)$/i;

/** SR methods beyond the generated ones: SR.scan (and Async.SR.scan). */
export function storageMethods(table: MethodTable): void {
  table.set('SR.scan', { params: 1, async: true, run: (c, [sr]) => scanSr(c, str(sr, 'sr')) });
}

/**
 * SR.scan as an ISO SR does it: the VDIs of the SR are synchronised with the image files
 * in its folder, keyed by `location` (the file name). A new file becomes a read-only
 * `user` VDI named after the file with virtual_size = file size; a changed size is
 * updated; a vanished file's VDI is forgotten. CD drives still holding a forgotten VDI
 * are left empty, which is what XAPI's database GC does to CD VBDs of a vanished VDI
 * (on a host that happens a little later; here at once). Disk SRs have no backend in
 * the fake, so scanning one changes nothing. Unknown SR: HANDLE_INVALID.
 */
export function scanSr(c: Pick<FakeContext, 'db' | 'isoFolders'>, ref: string): void {
  const sr = c.db.get('SR', ref);
  if (sr['content_type'] !== 'iso') return;
  const images = c.isoFolders.images(ref);
  const byLocation = new Map(images.map((i) => [i.name, i]));
  const known = new Set<string>();
  for (const [vdiRef, vdi] of c.db.all('VDI')) {
    if (vdi['SR'] !== ref) continue;
    const location = String(vdi['location']);
    const image = byLocation.get(location);
    if (!image) {
      forgetVdi(c, vdiRef, vdi);
      continue;
    }
    known.add(location);
    if (Number(vdi['virtual_size']) !== image.size) c.db.update('VDI', vdiRef, { virtual_size: image.size, physical_utilisation: image.size });
  }
  for (const image of images) {
    if (known.has(image.name)) continue;
    const uuid = UUID_FILE_RE.exec(image.name)?.[1]?.toLowerCase();
    createVdi(c, {
      SR: ref,
      name_label: image.name,
      name_description: '',
      location: image.name,
      type: 'user',
      read_only: true,
      sharable: false,
      virtual_size: image.size,
      physical_utilisation: image.size,
      ...(uuid ? { uuid } : {}),
    });
  }
  const total = images.reduce((n, i) => n + i.size, 0);
  if (Number(sr['physical_utilisation']) !== total) c.db.update('SR', ref, { physical_utilisation: total });
}

/** VDI.db_forget of a vanished image: CD drives holding it go empty, the record goes. */
function forgetVdi(c: Pick<FakeContext, 'db'>, vdiRef: string, vdi: XapiRecord): void {
  for (const vbd of [...(vdi['VBDs'] as string[])]) {
    const rec = c.db.find('VBD', vbd);
    if (rec?.['type'] === 'CD') c.db.update('VBD', vbd, { VDI: NULL_REF, empty: true });
  }
  c.db.unlink('SR', String(vdi['SR']), 'VDIs', vdiRef);
  c.db.destroy('VDI', vdiRef);
}
