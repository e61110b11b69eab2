import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec } from '../core/container-resources';
import { assertAt, show } from '../core/errors';
import { MonitoringServer, ServerPort, addClusterService, addMonitoringServer, checkServerProps, componentLabels } from './monitoring-server';
import { toYamlDocument } from '../render/yaml';
import { MonitoringNames } from './monitoring-names';
import {
  Check, checkDnsLabel, checkDnsSubdomain, checkLabelName, checkNumber, checkOneOf, checkProps, checkShape, checkSize, checkString, checkTimeSpan, optional, Rules,
} from '../core/checks';
import { checkResourceSpec } from '../core/container-resources';

/** Traces kept in memory, bounded: lost on restart. For environments where that is acceptable. */
export interface JaegerMemoryStorage {
  readonly kind: 'memory';
  /** Most traces held; the oldest are evicted beyond it (`memory.max_traces`). */
  readonly maxTraces: number;
}

/** Traces kept in Badger on a volume, expired after `spanRetention`. */
export interface JaegerBadgerStorage {
  readonly kind: 'badger';
  /** Size of the volume. */
  readonly storageSize: Size;
  /** How long spans are kept (`badger.ttl.spans`). */
  readonly spanRetention: Duration;
}

/** Where Jaeger stores traces. */
export type JaegerStorage = JaegerMemoryStorage | JaegerBadgerStorage;

/** Props of {@link JaegerServer}. */
export interface JaegerServerProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the Deployment and query Service; the OTLP Service is `<name>-collector`, the configuration ConfigMap `<name>-config`.
   *
   * @default MonitoringNames.JAEGER_QUERY_SERVICE ('jaeger')
   */
  readonly name?: string;

  /** Image, pinned (`jaegertracing/jaeger:2.0.0`). */
  readonly image: string;

  /** Requests and limits of the Jaeger container. */
  readonly resources: ContainerResourceSpec;

  /** Trace storage: bounded memory, or Badger on a volume. */
  readonly storage: JaegerStorage;

  /**
   * StorageClass of the Badger volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

const CONFIG_DIR = '/etc/jaeger';
const CONFIG_KEY = 'config.yaml';
const DATA_DIR = '/badger';
/** The image's non-root user. */
const JAEGER_UID = 10001;
const HEALTH_PORT = 13133;
const STORE = 'traces';
const QUERY: ServerPort = { name: 'http-query', port: MonitoringNames.JAEGER_QUERY_PORT };
const OTLP_GRPC: ServerPort = { name: 'otlp-grpc', port: MonitoringNames.OTLP_GRPC_PORT };
const OTLP_HTTP: ServerPort = { name: 'otlp-http', port: MonitoringNames.OTLP_HTTP_PORT };

function backend(storage: JaegerStorage): Record<string, unknown> {
  if (storage.kind === 'memory') {
    return { memory: { max_traces: storage.maxTraces } };
  }
  return {
    badger: {
      directories: { keys: `${DATA_DIR}/keys`, values: `${DATA_DIR}/values` },
      ephemeral: false,
      ttl: { spans: `${storage.spanRetention.toHours()}h` },
    },
  };
}

/**
 * Jaeger v2's configuration (an OpenTelemetry Collector configuration): OTLP in, batched, into one storage
 * backend the query extension reads. Every endpoint binds 0.0.0.0 explicitly: the Collector's defaults bind
 * localhost only, which a Service cannot reach.
 */
export function jaegerConfig(storage: JaegerStorage): Record<string, unknown> {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { resource: { 'service.name': 'jaeger' }, logs: { level: 'info' } },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
      jaeger_storage: { backends: { [STORE]: backend(storage) } },
      jaeger_query: {
        storage: { traces: STORE },
        http: { endpoint: `0.0.0.0:${QUERY.port}` },
        grpc: { endpoint: '0.0.0.0:16685' },
      },
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC.port}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP.port}` } } },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
  };
}

/** The run-time check of a {@link JaegerStorage}: its kind, then the fields of that kind. */
export const checkJaegerStorage: Check = (v) => {
  const kind = (v as { kind?: unknown } | null)?.kind;
  if (kind === 'memory') {
    return checkShape({ kind: checkString, maxTraces: (n) => checkNumber(n) })(v);
  }
  if (kind === 'badger') {
    return checkShape({ kind: checkString, storageSize: checkSize, spanRetention: (d) => checkTimeSpan(d) })(v);
  }
  return typeof v === 'object' && v !== null ? { field: '.kind', problem: checkOneOf(kind, ['memory', 'badger'])! } : `must be a storage object, got ${show(v)}`;
};

/** Run-time checks of {@link JaegerServerProps}, applied before anything is created. */
const JAEGER_SERVER_RULES: Rules = {
  partOf: checkLabelName, name: optional(checkDnsLabel), image: checkString, resources: checkResourceSpec,
  storage: checkJaegerStorage,
  storageClassName: optional(checkDnsSubdomain),
};

/**
 * Jaeger v2 all-in-one (standalone mode), built on the OpenTelemetry Collector: Deployment `jaeger` with
 * its configuration in ConfigMap `jaeger-config`, Service `jaeger` for the query UI/API (16686) and Service
 * `jaeger-collector` for OTLP (4317 gRPC, 4318 HTTP). Jaeger v1's all-in-one is end of life.
 *
 * One replica (memory and Badger are both local to the pod), so no PodDisruptionBudget or spread; with
 * Badger it keeps a volume and uses `Recreate`.
 */
export class JaegerServer extends Construct {
  /** Deployment `jaeger`. */
  public readonly deployment: kplus.Deployment;

  /** Service `jaeger` (query, 16686). */
  public readonly queryService: kplus.Service;

  /** Service `jaeger-collector` (OTLP, 4317 and 4318). */
  public readonly collectorService: kplus.Service;

  /** ConfigMap `jaeger-config` (key `config.yaml`). */
  public readonly configMap: kplus.ConfigMap;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: JaegerServerProps) {
    super(scope, id);
    checkProps(this, props, JAEGER_SERVER_RULES);
    checkServerProps(this, props);
    const storage = props.storage;
    if (storage.kind === 'memory') {
      assertAt(this, 'storage.maxTraces', Number.isInteger(storage.maxTraces) && storage.maxTraces > 0
        ? undefined : `must be a positive integer (memory storage is unbounded otherwise), got ${storage.maxTraces}`);
    } else {
      const seconds = storage.spanRetention.toSeconds();
      assertAt(this, 'storage.spanRetention', seconds > 0 && seconds % 3600 === 0 ? undefined : `must be a positive number of whole hours, got ${seconds}s`);
    }

    const name = props.name ?? MonitoringNames.JAEGER_QUERY_SERVICE;
    const configFile = toYamlDocument(jaegerConfig(storage));
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${name}-config`, labels: componentLabels(name, 'tracing', props.partOf).labels },
      data: { [CONFIG_KEY]: configFile },
    });
    const health: ServerPort = { name: 'health', port: HEALTH_PORT };
    this.server = addMonitoringServer(this, {
      name,
      component: 'tracing',
      partOf: props.partOf,
      image: props.image,
      args: [`--config=${CONFIG_DIR}/${CONFIG_KEY}`],
      ports: [QUERY, OTLP_GRPC, OTLP_HTTP, health],
      servicePorts: [QUERY],
      resources: props.resources,
      uid: JAEGER_UID,
      readiness: { path: '/status', portName: 'health', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/status', portName: 'health', periodSeconds: 15, failureThreshold: 5 },
      storage: storage.kind === 'badger' ? { size: storage.storageSize, mountPath: DATA_DIR, storageClassName: props.storageClassName } : undefined,
      // Memory storage keeps nothing across restarts: a rolling update without a gap in ingestion.
      rollingUpdate: storage.kind === 'memory',
      scratch: [{ path: '/tmp', sizeLimit: Size.mebibytes(64) }],
      configMaps: [{ configMap: this.configMap, path: CONFIG_DIR }],
      configData: { [CONFIG_KEY]: configFile },
    });
    this.deployment = this.server.deployment;
    this.queryService = this.server.service;
    this.collectorService = addClusterService(this, 'CollectorService', `${name}-collector`,
      this.server.labels, this.server.selector, [OTLP_GRPC, OTLP_HTTP]);
  }
}
