import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertAt, failAt, show } from '../core/errors';
import { checkAbsolutePath, checkDnsLabel, checkEnv, checkInteger, checkLabelName, checkPort, checkProps, checkArrayOf, checkString, integer, optional, Rules } from '../core/checks';
import { recommendedLabels } from '../core/labels';
import { derivedName } from '../core/names';

/** Props of {@link LaravelConfig}. */
export interface LaravelConfigProps {
  /** App name: the ConfigMaps are `<name>-config` and `nginx-config`. */
  readonly appName: string;

  /** System the app belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Non-secret settings loaded as environment variables (`envFrom`). Secret values never go here:
   * they are referenced from Secrets by the workload.
   */
  readonly settings: Record<string, string>;

  /**
   * Port nginx listens on inside the pod.
   *
   * @default 8080
   */
  readonly listenPort?: number;

  /**
   * Document root of the Laravel app.
   *
   * @default '/var/www/html/public'
   */
  readonly documentRoot?: string;

  /**
   * Largest request body nginx accepts, in MiB (product image uploads).
   *
   * @default 20
   */
  readonly clientMaxBodySizeMiB?: number;

  /**
   * Port of a second nginx server that serves only `/metrics`, for Prometheus; the `listenPort` server (the
   * one Services and the Ingress reach) then answers 404 on every internal path.
   *
   * @default - no metrics server: `/metrics` is served on `listenPort`
   */
  readonly metricsPort?: number;

  /**
   * Path prefixes the public server refuses (404), also when requested as `/index.php/<path>`: metrics and
   * Laravel's admin dashboards.
   *
   * @default LARAVEL_INTERNAL_PATHS
   */
  readonly internalPaths?: string[];
}

/** Paths of a Laravel app that are never for the public: metrics, Horizon and Telescope dashboards. */
export const LARAVEL_INTERNAL_PATHS: readonly string[] = ['/metrics', '/horizon', '/telescope'];

/** Keys that hold credentials: they belong in a Secret, so putting them in a ConfigMap is refused. */
const SECRET_LIKE_KEY = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|APP_KEY|ACCESS_KEY)/;

/** Run-time checks of {@link LaravelConfigProps}, applied before anything is created. */
const LARAVEL_CONFIG_RULES: Rules = {
  appName: checkDnsLabel,
  partOf: checkLabelName,
  settings: checkEnv,
  listenPort: optional(checkPort),
  documentRoot: optional(checkAbsolutePath),
  clientMaxBodySizeMiB: optional(integer(1)),
  metricsPort: optional(checkPort),
  internalPaths: optional(checkArrayOf(checkString)),
};

/**
 * The two ConfigMaps the seed's validation script requires: `<app>-config` (the app's non-secret
 * environment, including `REDIS_HOST`) and `nginx-config` (the server block of the nginx in the app image,
 * which hands PHP requests to PHP-FPM on 127.0.0.1:9000).
 */
export class LaravelConfig extends Construct {
  /** ConfigMap `<app>-config`. */
  public readonly appConfig: kplus.ConfigMap;

  /** ConfigMap `nginx-config`, key `default.conf`. */
  public readonly nginxConfig: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: LaravelConfigProps) {
    super(scope, id);
    checkProps(this, props, LARAVEL_CONFIG_RULES);
    const listenPort = props.listenPort ?? 8080;
    const documentRoot = props.documentRoot ?? '/var/www/html/public';
    const bodySize = props.clientMaxBodySizeMiB ?? 20;
    const internalPaths = props.internalPaths ?? [...LARAVEL_INTERNAL_PATHS];
    assertAt(this, 'appName', checkDnsLabel(props.appName));
    assertAt(this, 'listenPort', checkInteger(listenPort, 1, 65535));
    assertAt(this, 'clientMaxBodySizeMiB', checkInteger(bodySize, 1));
    if (props.metricsPort !== undefined) {
      assertAt(this, 'metricsPort', checkInteger(props.metricsPort, 1, 65535));
      assertAt(this, 'metricsPort', props.metricsPort === listenPort ? `must differ from listenPort (${listenPort}), got ${props.metricsPort}` : undefined);
    }
    internalPaths.forEach((path, i) => assertAt(this, `internalPaths[${i}]`, /^\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(path) ? undefined
      : `must be an absolute path of letters, digits, '_' and '-', got ${show(path)}`));
    for (const key of Object.keys(props.settings)) {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) {
        failAt(this, `settings.${key}`, 'must be an environment variable name (upper-case letters, digits, _)');
      }
      if (SECRET_LIKE_KEY.test(key)) {
        failAt(this, `settings.${key}`, 'looks like a credential: reference it from a Secret instead of a ConfigMap');
      }
    }

    const labels = (name: string) => recommendedLabels({ name: props.appName, instance: name, component: 'config', partOf: props.partOf });
    const appConfigName = derivedName(props.appName, 'config');
    this.appConfig = new kplus.ConfigMap(this, 'AppConfig', {
      metadata: { name: appConfigName, labels: labels(appConfigName) },
      data: sortedRecord(props.settings),
    });
    this.nginxConfig = new kplus.ConfigMap(this, 'NginxConfig', {
      metadata: { name: 'nginx-config', labels: labels('nginx-config') },
      data: { 'default.conf': nginxServerBlock(listenPort, documentRoot, bodySize, props.metricsPort, internalPaths) },
    });
  }
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function nginxServerBlock(listenPort: number, documentRoot: string, bodySizeMiB: number, metricsPort: number | undefined, internalPaths: readonly string[]): string {
  const php = [
    '    location ~ \\.php$ {',
    '        fastcgi_pass 127.0.0.1:9000;',
    '        fastcgi_index index.php;',
    '        include fastcgi_params;',
    '        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;',
    '        fastcgi_param DOCUMENT_ROOT $realpath_root;',
    '        fastcgi_read_timeout 60s;',
    '    }',
  ];
  const head = (port: number) => [
    'server {',
    `    listen ${port};`,
    '    server_name _;',
    `    root ${documentRoot};`,
    '    index index.php;',
    '    server_tokens off;',
  ];
  // Internal paths are refused on the public server, including through the front controller
  // (`/index.php/metrics` reaches the same route).
  const internal = internalPaths.length === 0 ? [] : [
    '    # Internal: never served to the Services and the Ingress.',
    `    location ~ ^/(index\\.php/)?(${internalPaths.map((p) => p.slice(1).replace(/[.]/g, '\\.')).join('|')})(/|$) {`,
    '        return 404;',
    '    }',
    '',
  ];
  const publicServer = [
    ...head(listenPort),
    `    client_max_body_size ${bodySizeMiB}m;`,
    '',
    ...(metricsPort === undefined ? [
      '    # Probes and scrapes are frequent: keep them out of the access log.',
      '    location ~ ^/(health/|metrics$) {',
      '        access_log off;',
      '        try_files $uri /index.php?$query_string;',
      '    }',
      '',
    ] : [
      ...internal,
      '    # Probes are frequent: keep them out of the access log.',
      '    location ^~ /health/ {',
      '        access_log off;',
      '        try_files $uri /index.php?$query_string;',
      '    }',
      '',
    ]),
    '    location / {',
    '        try_files $uri $uri/ /index.php?$query_string;',
    '    }',
    '',
    ...php,
    '',
    '    location ~ /\\.(?!well-known) {',
    '        deny all;',
    '    }',
    '}',
  ];
  const metricsServer = metricsPort === undefined ? [] : [
    '',
    '# Metrics for Prometheus only: no Service exposes this port, and the NetworkPolicies admit only Prometheus.',
    ...head(metricsPort),
    '',
    '    location = /metrics {',
    '        access_log off;',
    '        try_files /index.php =404;',
    '    }',
    '',
    ...php,
    '',
    '    location / {',
    '        return 404;',
    '    }',
    '}',
  ];
  return [...publicServer, ...metricsServer, ''].join('\n');
}
