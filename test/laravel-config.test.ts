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
});
