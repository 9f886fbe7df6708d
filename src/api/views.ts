import type { z } from 'zod';
import type * as catalog from './schemas/catalog.js';
import type * as machines from './schemas/machines.js';
import type * as builds from './schemas/builds.js';

// What the API answers with, as TypeScript types (the remote CLI client speaks these).

/** A source (never its password). */
export type SourceView = z.output<typeof catalog.sourceView>;
/** A source with its catalog counts. */
export type SourceDetailView = z.output<typeof catalog.sourceDetail>;
/** `POST /sources/{name}/test`. */
export type SourceTestView = z.output<typeof catalog.sourceTest>;
/** A cataloged ISO as listed. */
export type IsoSummaryView = z.output<typeof catalog.isoSummary>;
/** A cataloged ISO in full. */
export type IsoDetailView = z.output<typeof catalog.isoDetail>;
/** A Windows edition. */
export type EditionView = z.output<typeof catalog.editionMatch>;
/** A catalog scan's progress. */
export type ScanView = z.output<typeof catalog.scanView>;
/** A node. */
export type NodeView = z.output<typeof machines.nodeView>;
/** A MAC's registration and lease. */
export type NodeDetailView = z.output<typeof machines.nodeDetail>;
/** A node boot event. */
export type NodeEventView = z.output<typeof machines.nodeEventView>;
/** A task as `PUT /nodes/{ref}/task` takes it. */
export type NodeTaskInput = z.input<typeof machines.taskInput>;
/** A hypervisor (never its secret). */
export type HypervisorView = z.output<typeof machines.hypervisorView>;
/** What a hypervisor test found. */
export type HypervisorTestView = z.output<typeof machines.hypervisorTest>;
/** `POST /hypervisors`. */
export type HypervisorCreateInput = z.input<typeof machines.hypervisorCreate>;
/** A VM on a platform. */
export type VmView = z.output<typeof machines.vmView>;
/** A VM with snapshots. */
export type VmDetailView = z.output<typeof machines.vmDetail>;
/** A hardware profile. */
export type ProfileView = z.output<typeof machines.profileView>;
/** `POST /profiles`. */
export type ProfileCreateInput = z.input<typeof builds.profileCreate>;
/** A build (never its token). */
export type BuildView = z.output<typeof builds.buildView>;
/** `POST /builds`. */
export type BuildCreateInput = z.input<typeof builds.buildCreate>;
/** A build log line. */
export type BuildEventView = z.output<typeof builds.buildEventView>;
/** A template vizor made. */
export type TemplateView = z.output<typeof builds.templateView>;
/** A VM a build or room created. */
export type InstanceView = z.output<typeof builds.instanceView>;
/** What an inventory refresh found. */
export type RefreshView = z.output<typeof builds.refreshView>;
/** The merged event feed. */
export type EventFeedView = z.output<typeof builds.feedView>;
