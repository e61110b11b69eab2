/** The thresholds of the seed alerts; environments tune them. */
export interface PlatformAlertThresholds {
  /** HighErrorRate: share of 5xx responses over 5 minutes, in percent. */
  readonly errorRatePercent: number;
  /** HighResponseTime: 95th percentile latency per path, in seconds. */
  readonly responseTimeP95Seconds: number;
  /** SlowResponseTime: average latency, in seconds. */
  readonly averageResponseTimeSeconds: number;
  /** QueueBacklog: pending jobs in one queue. */
  readonly queueBacklogJobs: number;
  /** HighMemoryUsage: working set as a share of the memory limit, in percent. */
  readonly memoryUsagePercent: number;
  /** HighCPUUsage: CPU use as a share of the CPU limit, in percent. */
  readonly cpuUsagePercent: number;
  /** DiskSpaceLow: free space of a volume, in percent. */
  readonly diskFreePercent: number;
  /** CertificateExpiringSoon: days left before a certificate expires. */
  readonly certificateExpiryDays: number;
  /** PaymentFailureSpike: share of failed payments over 5 minutes, in percent. */
  readonly paymentFailurePercent: number;
  /** LowCacheHitRate: cache hit rate, in percent. */
  readonly cacheHitRatePercent: number;
  /** DatabaseConnectionPoolExhaustion: active connections (MySQL allows 500). */
  readonly databaseConnections: number;
  /** HighCartAbandonmentRate: abandoned carts, in percent. */
  readonly cartAbandonmentPercent: number;
  /**
   * MySQLReplicationLag: seconds a replica may fall behind its source (for 5 minutes) before it alerts.
   *
   * @default 30
   */
  readonly replicationLagSeconds?: number;
}
