import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/cert-manager.io';
import { assertAt } from '../core/errors';
import {
  checkDnsLabel, checkDnsSubdomain, checkHostName, checkInteger, checkLabelName, checkNonEmpty, checkOneOf, checkProps, checkResourceOf, checkString, integer, optional, Rules,
} from '../core/checks';
import { recommendedLabels } from '../core/labels';

/** Kinds of cert-manager issuer a Certificate can name. */
export type IssuerKind = 'ClusterIssuer' | 'Issuer';

const ISSUER_KINDS: readonly IssuerKind[] = ['ClusterIssuer', 'Issuer'];

/** Props of {@link TlsIngress}. */
export interface TlsIngressProps {
  /** Ingress name (the seed's validation script checks `laravel-ingress`). */
  readonly name: string;

  /** System it belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Public host name, routed to `service`. */
  readonly host: string;

  /** Service that receives all traffic for the host. */
  readonly service: kplus.Service;

  /**
   * Port of `service` to send traffic to.
   *
   * @default 80
   */
  readonly servicePort?: number;

  /** Name of the cert-manager Certificate and of the TLS Secret it writes (`ecommerce-tls`). */
  readonly certificateName: string;

  /** Name of the cert-manager issuer (`letsencrypt-prod`). */
  readonly issuerName: string;

  /**
   * Kind of the issuer.
   *
   * @default 'ClusterIssuer'
   */
  readonly issuerKind?: IssuerKind;

  /**
   * IngressClass that serves this Ingress.
   *
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
}

/** Run-time checks of {@link TlsIngressProps}, applied before anything is created. */
const TLS_INGRESS_RULES: Rules = {
  name: checkDnsLabel,
  partOf: checkLabelName,
  host: checkString,
  service: checkResourceOf('Service', 'a cdk8s-plus Service'),
  servicePort: optional(integer(1, 65535)),
  certificateName: checkDnsSubdomain,
  issuerName: checkDnsSubdomain,
  issuerKind: optional(checkString),
  ingressClassName: optional(checkDnsSubdomain),
};

/**
 * An Ingress for one host with TLS from a cert-manager Certificate.
 *
 * The Certificate is explicit rather than requested through ingress annotations, so that its name and
 * issuer are reviewable and the seed's validation script finds `certificate/<certificateName>`.
 */
export class TlsIngress extends Construct {
  /** The Ingress. */
  public readonly ingress: kplus.Ingress;

  /** The cert-manager Certificate. */
  public readonly certificate: Certificate;

  constructor(scope: Construct, id: string, props: TlsIngressProps) {
    super(scope, id);
    checkProps(this, props, TLS_INGRESS_RULES);
    const issuerKind = props.issuerKind ?? 'ClusterIssuer';
    const servicePort = props.servicePort ?? 80;
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'host', checkHostName(props.host));
    assertAt(this, 'certificateName', checkDnsLabel(props.certificateName));
    assertAt(this, 'issuerName', checkNonEmpty(props.issuerName));
    assertAt(this, 'issuerKind', checkOneOf(issuerKind, ISSUER_KINDS));
    assertAt(this, 'servicePort', checkInteger(servicePort, 1, 65535));

    const labels = (instance: string) => recommendedLabels({ name: props.name, instance, component: 'ingress', partOf: props.partOf });
    this.certificate = new Certificate(this, 'Certificate', {
      metadata: { name: props.certificateName, labels: labels(props.certificateName) },
      spec: {
        secretName: props.certificateName,
        dnsNames: [props.host],
        issuerRef: { name: props.issuerName, kind: issuerKind, group: 'cert-manager.io' },
        // A fresh key at every renewal limits what a leaked key exposes; ECDSA P-256 is what browsers prefer.
        privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS, algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
      },
    });

    this.ingress = new kplus.Ingress(this, 'Ingress', {
      metadata: { name: props.name, labels: labels(props.name) },
      className: props.ingressClassName ?? 'nginx',
      tls: [{ hosts: [props.host], secret: kplus.Secret.fromSecretName(this, 'TlsSecret', props.certificateName) }],
      rules: [{
        host: props.host,
        path: '/',
        pathType: kplus.HttpIngressPathType.PREFIX,
        backend: kplus.IngressBackend.fromService(props.service, { port: servicePort }),
      }],
    });
  }
}
