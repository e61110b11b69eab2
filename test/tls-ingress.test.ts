import * as kplus from 'cdk8s-plus-28';
import { TlsIngress, TlsIngressProps } from '../lib/web/tls-ingress';
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
});
