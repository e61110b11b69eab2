// The Laravel e-commerce layer on top of the generic library: artisan commands, Laravel probes and writable
// paths, the platform's alerts, SLOs and dashboards. Published as the `laravel` entry point. Re-exports only.
export * from './laravel-config';
export * from './laravel-database';
export * from './laravel-defaults';
export * from './laravel-queues';
export * from './laravel-queue-worker';
export * from './laravel-scheduler';
export * from './platform-alerts';
export * from './platform-dashboards';
export * from './platform-slos';
