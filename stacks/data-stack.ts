import { LARAVEL_DATABASE } from '../lib/laravel';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LabelKeys } from '../lib/core/labels';
import { MysqlCluster } from '../lib/data/mysql-cluster';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { RedisStore } from '../lib/data/redis-store';
import { EnvironmentConfig } from './config';

/** Props of {@link DataStack}. */
export interface DataStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;
}

/** The data tier of one environment (`data.k8s.yaml`): MySQL primary and replicas, and Redis. */
export class DataStack extends Chart {
  /** MySQL. */
  public readonly mysql: MysqlCluster;

  /** Redis. */
  public readonly redis: RedisStore;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    const m = config.mysql;
    // Seed 001's Secret `mysql-secret`; created outside this repository and only referenced here.
    const mysqlSecret = kplus.Secret.fromSecretName(this, 'MysqlSecret', 'mysql-secret');
    const laravelSecrets = kplus.Secret.fromSecretName(this, 'LaravelSecrets', 'laravel-secrets');
    this.mysql = new MysqlCluster(this, 'Mysql', {
      partOf: config.partOf,
      engine: m.engine,
      database: LARAVEL_DATABASE,
      replicas: m.replicas,
      storage: m.storage,
      storageClassName: m.storageClassName,
      resources: m.resources,
      primaryBufferPool: m.primaryBufferPool,
      replicaBufferPool: m.replicaBufferPool,
      primaryMaxConnections: m.primaryMaxConnections,
      replicaMaxConnections: m.replicaMaxConnections,
      rootPassword: { secret: mysqlSecret, key: 'root-password' },
      replicationPassword: { secret: mysqlSecret, key: 'replication-password' },
      // The account the app connects with (laravel-secrets db-user / db-password), created on first start.
      appUser: { username: { secret: laravelSecrets, key: 'db-user' }, password: { secret: laravelSecrets, key: 'db-password' } },
    });
    const r = config.redis;
    this.redis = new RedisStore(this, 'Redis', {
      partOf: config.partOf,
      password: { secret: kplus.Secret.fromSecretName(this, 'RedisPassword', 'redis-password'), key: 'password' },
      resources: r.resources,
      maxMemory: r.maxMemory,
      maxMemoryPolicy: r.maxMemoryPolicy,
      storage: r.storage,
      storageClassName: r.storageClassName,
    });

    if (m.replicas > 0) {
      // Replicas stream the binlog from the primary (GTID replication).
      const replicas = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'mysql', role: 'replica' });
      const primary = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'mysql', role: 'primary' });
      NetworkConnections.of(this).allow(this.mysql, { from: replicas, to: primary, port: 3306, reason: 'replication from the primary' });
    }
  }
}
