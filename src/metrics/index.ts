// Prometheus metrics: vizor's instruments, the shared registry behind /metrics, the HTTP
// middleware and route, and the scrape-time build collector.
export {
  createMetrics, dhcpTypeLabel, sharedMetrics, registry,
  type VizorMetrics, type DhcpMetrics, type TftpMetrics, type HttpMetrics, type CatalogMetrics,
  type DhcpOutcome, type TftpFailure, type TftpRefusal, type HttpRouteGroup,
} from './instruments.js';
export { metricsRouter, httpMetrics, enableProcessMetrics, routeGroup, statusClass } from './http.js';
export { collectBuildMetrics, stageDurations, type BuildMetricsSource } from './builds.js';
