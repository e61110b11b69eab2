import { LaravelConfig, LaravelConfigProps } from '../lib/laravel/laravel-config';
import { findObject, synthChart, testChart } from './helpers';

function render(overrides: Partial<LaravelConfigProps> = {}) {
  const chart = testChart();
  new LaravelConfig(chart, 'Config', { appName: 'laravel', partOf: 'ecommerce', settings: { REDIS_HOST: 'redis', APP_URL: 'https://x' }, ...overrides });
  return synthChart(chart);
}

describe('LaravelConfig', () => {
  test('renders the app settings sorted and the nginx server block', () => {
    const objects = render();
    expect(Object.keys(findObject(objects, 'ConfigMap', 'laravel-config').data)).toEqual(['APP_URL', 'REDIS_HOST']);
    const conf = findObject(objects, 'ConfigMap', 'nginx-config').data['default.conf'];
    expect(conf).toContain('listen 8080;');
    expect(conf).toContain('root /var/www/html/public;');
    expect(conf).toContain('fastcgi_pass 127.0.0.1:9000;');
    expect(conf).toContain('client_max_body_size 20m;');
  });

  test('follows the listen port', () => {
    expect(findObject(render({ listenPort: 9090 }), 'ConfigMap', 'nginx-config').data['default.conf']).toContain('listen 9090;');
  });

  test('rejects a credential in a ConfigMap', () => {
    expect(() => render({ settings: { DB_PASSWORD: 'x' } }))
      .toThrow('[test/Config] settings.DB_PASSWORD: looks like a credential: reference it from a Secret instead of a ConfigMap');
  });

  test('rejects a key that is not an environment variable name', () => {
    expect(() => render({ settings: { 'redis-host': 'x' } })).toThrow('[test/Config] settings.redis-host: must be an environment variable name');
  });

  test('with a metrics port, /metrics is served only there and the public server refuses internal paths', () => {
    const conf = findObject(render({ metricsPort: 9090 }), 'ConfigMap', 'nginx-config').data['default.conf'] as string;
    const [publicServer, metricsServer] = conf.split(/^server \{$/m).slice(1);
    expect(publicServer).toContain('listen 8080;');
    expect(publicServer).toContain('location ~ ^/(index\\.php/)?(metrics|horizon|telescope)(/|$) {\n        return 404;');
    expect(metricsServer).toContain('listen 9090;');
    expect(metricsServer).toContain('location = /metrics {');
  });

  test('without a metrics port nothing is refused (metrics stay on the listen port)', () => {
    const conf = findObject(render(), 'ConfigMap', 'nginx-config').data['default.conf'] as string;
    expect(conf).not.toContain('return 404;');
    expect(conf.match(/^server \{$/gm)).toHaveLength(1);
  });

  test('rejects a metrics port equal to the listen port', () => {
    expect(() => render({ metricsPort: 8080 })).toThrow('[test/Config] metricsPort: must differ from listenPort (8080), got 8080');
  });
});
