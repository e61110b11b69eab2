import * as kplus from 'cdk8s-plus-28';
import { TlsIngress, TlsIngressProps } from '../lib/web/tls-ingress';
import { SecretReferences } from '../lib/core/secret-references';
import { findObject, synthChart, testChart } from './helpers';

function render(overrides: Partial<Omit<TlsIngressProps, 'service'>> = {}) {
  const chart = testChart();
  const service = new kplus.Service(chart, 'Svc', { metadata: { name: 'laravel-service' }, ports: [{ port: 80 }] });
  new TlsIngress(chart, 'Ingress', {
    name: 'laravel-ingress', partOf: 'ecommerce', host: 'shop.example.com', service,
    certificateName: 'ecommerce-tls', issuerName: 'letsencrypt-prod', ...overrides,
  });
  return synthChart(chart);
}

describe('TlsIngress', () => {
  test('issues the certificate into the Secret the Ingress serves', () => {
    const objects = render();
    const cert = findObject(objects, 'Certificate', 'ecommerce-tls');
    expect(cert.spec).toEqual({
      secretName: 'ecommerce-tls',
      dnsNames: ['shop.example.com'],
      issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { rotationPolicy: 'Always', algorithm: 'ECDSA', size: 256 },
    });
    const ingress = findObject(objects, 'Ingress', 'laravel-ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: cert.spec.secretName }]);
    expect(ingress.spec.rules).toEqual([{
      host: 'shop.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'laravel-service', port: { number: 80 } } } }] },
    }]);
  });

  test('rejects a missing host', () => {
    expect(() => render({ host: '' })).toThrow('[test/Ingress] host: required: a DNS host name such as "shop.example.com", got ""');
  });

  test('rejects a host with a scheme', () => {
    expect(() => render({ host: 'https://shop.example.com' })).toThrow('[test/Ingress] host: must be a lower-case DNS host name');
  });

  test('rejects an unknown issuer kind', () => {
    expect(() => render({ issuerKind: 'Vault' as never })).toThrow('[test/Ingress] issuerKind: must be one of "ClusterIssuer", "Issuer", got "Vault"');
  });

  test('rejects a port out of range', () => {
    expect(() => render({ servicePort: 70000 })).toThrow('[test/Ingress] servicePort: must be an integer from 1 to 65535, got 70000');
  });

  test('restricts access with a source allowlist and basic auth from a referenced Secret', () => {
    const chart = testChart();
    const service = new kplus.Service(chart, 'Svc', { metadata: { name: 'laravel-service' }, ports: [{ port: 80 }] });
    new TlsIngress(chart, 'Ingress', {
      name: 'laravel-ingress', partOf: 'ecommerce', host: 'dev.shop.example.com', service, certificateName: 'ecommerce-tls', issuerName: 'letsencrypt-staging',
      allowSourceRanges: ['203.0.113.0/24', '198.51.100.0/24'], basicAuthSecret: kplus.Secret.fromSecretName(chart, 'Auth', 'dev-basic-auth'),
    });
    expect(findObject(synthChart(chart), 'Ingress', 'laravel-ingress').metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/whitelist-source-range': '203.0.113.0/24,198.51.100.0/24',
      'nginx.ingress.kubernetes.io/auth-type': 'basic',
      'nginx.ingress.kubernetes.io/auth-secret': 'dev-basic-auth',
      'nginx.ingress.kubernetes.io/auth-realm': 'dev.shop.example.com - authentication required',
    });
    expect(SecretReferences.of(chart).list().map((r) => [r.name, r.keys])).toEqual([['dev-basic-auth', ['auth']]]);
  });

  test('sends unauthenticated browsers to the SSO sign-in with external auth', () => {
    const annotations = findObject(render({ externalAuth: { url: 'https://auth.example.com/oauth2/auth', signinUrl: 'https://auth.example.com/oauth2/start' } }), 'Ingress', 'laravel-ingress').metadata.annotations;
    expect(annotations).toEqual({
      'nginx.ingress.kubernetes.io/auth-url': 'https://auth.example.com/oauth2/auth',
      'nginx.ingress.kubernetes.io/auth-signin': 'https://auth.example.com/oauth2/start',
    });
  });

  test('is public without a restriction: no access annotations', () => {
    expect(findObject(render(), 'Ingress', 'laravel-ingress').metadata.annotations).toBeUndefined();
  });

  test('rejects an allowlist entry that is not a CIDR block', () => {
    expect(() => render({ allowSourceRanges: ['vpn.example.com'] }))
      .toThrow('[test/Ingress] allowSourceRanges[0]: must be an IPv4 CIDR block such as "10.0.0.0/8", got "vpn.example.com"');
  });

  test('rejects basic auth and external auth together', () => {
    const chart = testChart();
    const service = new kplus.Service(chart, 'Svc', { metadata: { name: 'laravel-service' }, ports: [{ port: 80 }] });
    expect(() => new TlsIngress(chart, 'Ingress', {
      name: 'laravel-ingress', partOf: 'ecommerce', host: 'shop.example.com', service, certificateName: 'ecommerce-tls', issuerName: 'letsencrypt-prod',
      basicAuthSecret: kplus.Secret.fromSecretName(chart, 'Auth', 'a'), externalAuth: { url: 'https://a.example.com/auth', signinUrl: 'https://a.example.com/start' },
    })).toThrow('[test/Ingress] basicAuthSecret: conflicts with externalAuth: give one way to log in');
  });
});
