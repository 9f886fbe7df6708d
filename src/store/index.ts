import { openDatabase, type Db } from './db.js';
import { SourceRepo } from './sources.js';
import { SecretRepo } from './secrets.js';
import { CatalogWriter } from './catalog.js';
import { CatalogQuery } from './catalog-query.js';
import { ScanRepo } from './scans.js';
import { NodeRepo } from './nodes.js';
import { DhcpRepo } from './dhcp.js';
import { HypervisorRepo } from './hypervisors.js';
import { BuildRepo, ProfileRepo } from './builds.js';
import { TemplateRepo, InstanceRepo } from './made.js';
import { RoomRepo } from './rooms.js';

export { openDatabase, now, type Db } from './db.js';
export { LATEST_VERSION } from './migrations.js';
export * from './errors.js';
export { SourceRepo, type SourceRow, type SourceKind } from './sources.js';
export { SecretRepo, type SealedSecret } from './secrets.js';
export { CatalogWriter, type IsoRecord, type EditionRecord, type KnownIso } from './catalog.js';
export { CatalogQuery, type IsoSummary, type IsoDetail, type EditionMatch, type CatalogFilter } from './catalog-query.js';
export { ScanRepo, type ScanRun, type ScanCounts } from './scans.js';
export { NodeRepo, normaliseMac, type NodeRow, type NodeTask, type NodeEvent } from './nodes.js';
export { DhcpRepo, type DhcpLease, type DhcpReservation } from './dhcp.js';
export { HypervisorRepo, type HypervisorRow, type HypervisorKind } from './hypervisors.js';
export { BuildRepo, ProfileRepo, type BuildRow, type BuildState, type BuildEvent, type ProfileRow } from './builds.js';
export { TemplateRepo, InstanceRepo, type TemplateRow, type InstanceRow } from './made.js';
export { RoomRepo, type RoomVmRow, type RoomLock } from './rooms.js';

/** The store: one database and its repositories. */
export class Store {
  readonly sources: SourceRepo;
  readonly secrets: SecretRepo;
  readonly catalog: CatalogWriter;
  readonly query: CatalogQuery;
  readonly scans: ScanRepo;
  readonly nodes: NodeRepo;
  readonly dhcp: DhcpRepo;
  readonly hypervisors: HypervisorRepo;
  readonly builds: BuildRepo;
  readonly profiles: ProfileRepo;
  readonly templates: TemplateRepo;
  readonly instances: InstanceRepo;
  readonly rooms: RoomRepo;

  private constructor(readonly db: Db) {
    this.sources = new SourceRepo(db);
    this.secrets = new SecretRepo(db);
    this.catalog = new CatalogWriter(db);
    this.query = new CatalogQuery(db);
    this.scans = new ScanRepo(db);
    this.nodes = new NodeRepo(db);
    this.dhcp = new DhcpRepo(db);
    this.hypervisors = new HypervisorRepo(db);
    this.builds = new BuildRepo(db);
    this.profiles = new ProfileRepo(db);
    this.templates = new TemplateRepo(db);
    this.instances = new InstanceRepo(db);
    this.rooms = new RoomRepo(db);
  }

  /** Opens the database file (`:memory:` for tests) and migrates it. */
  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
