// Public API of the construct library. Re-exports only; see README "Public API".
export * from './alert-catalogue';
export * from './app-namespace';
export * from './backup-cron-job';
export * from './blue-green-app';
export * from './colour-switch';
export * from './container-resources';
export * from './http-probes';
export * from './labels';
export * from './laravel-config';
export * from './manifest-writer';
export * from './monitoring-names';
export * from './secret-references';
export * from './tls-ingress';
export * from './validation-error';
