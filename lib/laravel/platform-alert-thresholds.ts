import { Duration } from 'cdk8s';

/** The thresholds of the seed alerts; environments tune them. */
export interface PlatformAlertThresholds {
  /** HighErrorRate: share of 5xx responses over 5 minutes, in percent. */
  readonly errorRatePercent: number;
  /** HighResponseTime: 95th percentile latency per path (`Duration.seconds(2)`; compared in seconds). */
  readonly responseTimeP95: Duration;
  /** SlowResponseTime: average latency (`Duration.seconds(1)`; compared in seconds). */
  readonly averageResponseTime: Duration;
  /** QueueBacklog: pending jobs in one queue. */
  readonly queueBacklogJobs: number;
  /** HighMemoryUsage: working set as a share of the memory limit, in percent. */
  readonly memoryUsagePercent: number;
  /** HighCPUUsage: CPU use as a share of the CPU limit, in percent. */
  readonly cpuUsagePercent: number;
  /** DiskSpaceLow: free space of a volume, in percent. */
  readonly diskFreePercent: number;
  /** CertificateExpiringSoon: time left before a certificate expires (`Duration.days(7)`). */
  readonly certificateExpiry: Duration;
  /** PaymentFailureSpike: share of failed payments over 5 minutes, in percent. */
  readonly paymentFailurePercent: number;
  /** LowCacheHitRate: cache hit rate, in percent. */
  readonly cacheHitRatePercent: number;
  /** DatabaseConnectionPoolExhaustion: active connections (MySQL allows 500). */
  readonly databaseConnections: number;
  /** HighCartAbandonmentRate: abandoned carts, in percent. */
  readonly cartAbandonmentPercent: number;
  /**
   * MySQLReplicationLag: how far a replica may fall behind its source (for 5 minutes) before it alerts.
   *
   * @default Duration.seconds(30)
   */
  readonly replicationLag?: Duration;
}
