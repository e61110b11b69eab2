/**
 * What a Laravel app in this platform's images looks like from the outside: its health endpoints, the paths it
 * writes to, the header its health controller reads and the label its blue/green scripts select colours on.
 */
import { Duration } from 'cdk8s';
import { HealthProbes } from '../core/http-probes';

/** Header the platform's health controller reads to tell the probes apart. */
export const PROBE_TYPE_HEADER = 'X-Probe-Type';

/**
 * The Laravel health endpoints and timings of the platform ("Configure Kubernetes probes").
 *
 * Startup allows 10 s + 30 x 10 s = about 5 minutes for a cold boot (cache rebuild after a deploy);
 * liveness restarts after 3 failures; readiness drops the pod from the Service after 3.
 */
export const LARAVEL_HEALTH_PROBES: HealthProbes = {
  startup: { path: '/health/startup', initialDelay: Duration.seconds(10), period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 30 },
  liveness: { path: '/health/live', initialDelay: Duration.seconds(30), period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 3 },
  readiness: { path: '/health/ready', initialDelay: Duration.seconds(10), period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 3 },
};

/** Paths a Laravel app writes to at run time: compiled views, cache, sessions, logs and PHP temp files. */
export const LARAVEL_WRITABLE_PATHS: readonly string[] = [
  '/tmp',
  '/var/www/html/bootstrap/cache',
  '/var/www/html/storage/app',
  '/var/www/html/storage/framework/cache',
  '/var/www/html/storage/framework/sessions',
  '/var/www/html/storage/framework/views',
  '/var/www/html/storage/logs',
];

/** Label the platform's deploy scripts read the live colour from (`environment: blue|green`). */
export const LARAVEL_COLOUR_LABEL = 'environment';

/**
 * The platform's target requests per second per web pod. Usable only where a metrics adapter serves
 * `http_requests_per_second` and declares it in `MetricSources`; the shipped environments have none.
 */
export const LARAVEL_REQUESTS_PER_SECOND_PER_POD = 1000;

/** The platform's smoke tests: readiness, the home page and one API call. */
export const LARAVEL_SMOKE_TEST_PATHS: readonly string[] = ['/health/ready', '/', '/api/products?limit=1'];

/** `php artisan migrate --force`: the deploy hook's migration. */
export const LARAVEL_MIGRATION_COMMAND: readonly string[] = ['php', 'artisan', 'migrate', '--force'];

/** `php artisan cache:warm`: the deploy hook's warm-up (a cold cache after a switch once took the database down). */
export const LARAVEL_CACHE_WARM_COMMAND: readonly string[] = ['php', 'artisan', 'cache:warm'];

/** Name of the platform's PrometheusRule, which its runbooks and scripts refer to. */
export const LARAVEL_PROMETHEUS_RULE_NAME = 'laravel-ecommerce-alerts';

/** The platform's database (`DB_DATABASE`), created by MySQL on first start and backed up. */
export const LARAVEL_DATABASE = 'ecommerce';

/** Annotation under which the platform's NetworkPolicies list the connections they allow. */
export const PLATFORM_CONNECTIONS_ANNOTATION = 'network.ecommerce-platform/connections';

/** Prefix of the delivery annotations of the platform's live Services (`delivery.ecommerce-platform/release`, ...). */
export const PLATFORM_DELIVERY_ANNOTATION_PREFIX = 'delivery.ecommerce-platform';

/** Scrape job of the Laravel pods; the platform's `ServiceDown` alert selects `up{job="laravel-metrics"}`. */
export const LARAVEL_METRICS_JOB = 'laravel-metrics';
