import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { SecretStore } from '../secrets/index.js';
import { openDriver, type HypervisorDriver } from '../hypervisors/index.js';

/** One open driver per stored hypervisor, shared by builds and rooms; reopened when its entry changes. */
export class DriverCache {
  private readonly open = new Map<string, { key: string; driver: Promise<HypervisorDriver> }>();

  constructor(private readonly store: Store, private readonly secrets: SecretStore, private readonly log: Logger) {}

  /** The driver of hypervisor `name`. */
  get(name: string): Promise<HypervisorDriver> {
    const row = this.store.hypervisors.get(name);
    const key = JSON.stringify([row.kind, row.url, row.username, row.options, row.createdAt]);
    const hit = this.open.get(name);
    if (hit && hit.key === key) return hit.driver;
    if (hit) void hit.driver.then((d) => d.close()).catch(() => undefined);
    const driver = openDriver(row, row.secretName ? this.secrets.get(row.secretName) : null, this.log.child({ hypervisor: name }));
    driver.catch(() => this.open.delete(name));
    this.open.set(name, { key, driver });
    return driver;
  }

  /** Ends every session. */
  async close(): Promise<void> {
    for (const { driver } of this.open.values()) await driver.then((d) => d.close()).catch(() => undefined);
    this.open.clear();
  }
}
