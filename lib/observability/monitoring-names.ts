/**
 * Names shared by the monitoring constructs: what the Prometheus and Alertmanager Deployments mount and
 * what the alerting constructs render into them. Defined once so the two sides cannot drift apart.
 */
export const MonitoringNames = {
  /** Namespace of the monitoring stack (the seed's validation script checks it). */
  NAMESPACE: 'monitoring',
  /** ConfigMap holding one Prometheus rule file per group (standalone mode). */
  RULES_CONFIG_MAP: 'prometheus-rules',
  /** Where Prometheus mounts the rule files; `rule_files` globs `*.yaml` in it. */
  RULES_MOUNT_PATH: '/etc/prometheus/rules',
  /** ConfigMap holding the Alertmanager configuration (the seed's name); it carries no credentials. */
  ALERTMANAGER_CONFIG: 'alertmanager-config',
  /** Key of the configuration file in that ConfigMap. */
  ALERTMANAGER_CONFIG_KEY: 'alertmanager.yml',
  /** Secret, created outside this repository, holding receiver credentials, one key per credential. */
  ALERTMANAGER_RECEIVERS_SECRET: 'alertmanager-receivers',
  /** Where Alertmanager mounts the receiver credentials; the config reads them with `*_file` fields. */
  ALERTMANAGER_RECEIVERS_MOUNT_PATH: '/etc/alertmanager/receivers',
  /** Service and port of Prometheus. */
  PROMETHEUS_SERVICE: 'prometheus-server',
  PROMETHEUS_PORT: 9090,
  /** Service and port of Alertmanager. */
  ALERTMANAGER_SERVICE: 'alertmanager',
  ALERTMANAGER_PORT: 9093,
  /** Service and HTTP port of Loki (pushes and queries). */
  LOKI_SERVICE: 'loki',
  LOKI_PORT: 3100,
  /** Service of Jaeger's query UI/API and its port; Service of the OTLP receivers and their ports. */
  JAEGER_QUERY_SERVICE: 'jaeger',
  JAEGER_QUERY_PORT: 16686,
  JAEGER_COLLECTOR_SERVICE: 'jaeger-collector',
  OTLP_GRPC_PORT: 4317,
  OTLP_HTTP_PORT: 4318,
} as const;
