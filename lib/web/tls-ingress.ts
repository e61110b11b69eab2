import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/cert-manager.io';
import { assertAt, failAt, show } from '../core/errors';
import { SecretReferences } from '../core/secret-references';
import {
  Check, checkCidr, checkDnsLabel, checkDnsSubdomain, checkHostName, checkInteger, checkLabelName, checkNonEmpty, checkOneOf, checkArrayOf, checkProps, checkResourceOf, checkSecret, checkShape, checkString, integer, optional, Rules,
} from '../core/checks';
import { recommendedLabels } from '../core/labels';

/** Kinds of cert-manager issuer a Certificate can name. */
export type IssuerKind = 'ClusterIssuer' | 'Issuer';

const ISSUER_KINDS: readonly IssuerKind[] = ['ClusterIssuer', 'Issuer'];

/**
 * Host, TLS and access restriction of a {@link TlsIngress}: what an app that builds its own Ingress with
 * `TlsIngress` (`CanaryApp`) takes from its caller.
 */
export interface TlsIngressOptions {
  /** Public host name, routed to the Service. */
  readonly host: string;

  /** Name of the cert-manager Certificate and of the TLS Secret it writes (`storefront-tls`). */
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

  /**
   * Client address blocks (CIDR) the ingress-nginx controller accepts; every other client gets 403
   * (annotation `nginx.ingress.kubernetes.io/whitelist-source-range`). The controller must see client
   * addresses (`externalTrafficPolicy: Local` or the proxy protocol).
   *
   * @default - every address: the host is public
   * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#whitelist-source-range
   */
  readonly allowSourceRanges?: string[];

  /**
   * Secret with an htpasswd file under key `auth`: clients must log in (HTTP basic auth).
   *
   * @default - no basic auth
   * @see https://kubernetes.github.io/ingress-nginx/examples/auth/basic/
   */
  readonly basicAuthSecret?: kplus.ISecret;

  /**
   * External authentication (an oauth2-proxy in front of the SSO): every request is checked against `url`,
   * and an unauthenticated browser is sent to `signinUrl`.
   *
   * @default - no external authentication
   * @see https://kubernetes.github.io/ingress-nginx/examples/auth/oauth-external-auth/
   */
  readonly externalAuth?: { readonly url: string; readonly signinUrl: string };
}

/** Props of {@link TlsIngress}. */
export interface TlsIngressProps extends TlsIngressOptions {
  /** Ingress name (`storefront-ingress`). */
  readonly name: string;

  /** System it belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Service that receives all traffic for the host. */
  readonly service: kplus.Service;

  /**
   * Port of `service` to send traffic to.
   *
   * @default 80
   */
  readonly servicePort?: number;
}

/** ingress-nginx annotations that restrict who reaches an Ingress. */
export const IngressAccessAnnotations = {
  WHITELIST_SOURCE_RANGE: 'nginx.ingress.kubernetes.io/whitelist-source-range',
  AUTH_TYPE: 'nginx.ingress.kubernetes.io/auth-type',
  AUTH_SECRET: 'nginx.ingress.kubernetes.io/auth-secret',
  AUTH_REALM: 'nginx.ingress.kubernetes.io/auth-realm',
  AUTH_URL: 'nginx.ingress.kubernetes.io/auth-url',
  AUTH_SIGNIN: 'nginx.ingress.kubernetes.io/auth-signin',
} as const;

/** Run-time checks of {@link TlsIngressOptions}. */
const TLS_INGRESS_OPTION_RULES: Rules = {
  host: checkString,
  certificateName: checkDnsSubdomain,
  issuerName: checkDnsSubdomain,
  issuerKind: optional(checkString),
  ingressClassName: optional(checkDnsSubdomain),
  allowSourceRanges: optional(checkArrayOf(checkString)),
  basicAuthSecret: optional(checkSecret),
  externalAuth: optional(checkShape({ url: checkString, signinUrl: checkString })),
};

/** The run-time check of a {@link TlsIngressOptions} prop: field types, before anything is created. */
export const checkTlsIngressOptions: Check = checkShape(TLS_INGRESS_OPTION_RULES);

/** Run-time checks of {@link TlsIngressProps}, applied before anything is created. */
const TLS_INGRESS_RULES: Rules = {
  name: checkDnsLabel,
  partOf: checkLabelName,
  service: checkResourceOf('Service', 'a cdk8s-plus Service'),
  servicePort: optional(integer(1, 65535)),
  ...TLS_INGRESS_OPTION_RULES,
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

    const annotations: Record<string, string> = {};
    const ranges = props.allowSourceRanges ?? [];
    if (!Array.isArray(ranges)) {
      failAt(this, 'allowSourceRanges', `must be a list of CIDR blocks, got ${show(ranges)}`);
    }
    ranges.forEach((range, i) => assertAt(this, `allowSourceRanges[${i}]`, checkCidr(range)));
    if (ranges.length > 0) {
      annotations[IngressAccessAnnotations.WHITELIST_SOURCE_RANGE] = ranges.join(',');
    }
    if (props.basicAuthSecret !== undefined && props.externalAuth !== undefined) {
      failAt(this, 'basicAuthSecret', 'conflicts with externalAuth: give one way to log in');
    }
    if (props.basicAuthSecret !== undefined) {
      // ingress-nginx reads the htpasswd file from key `auth` (auth-secret-type: auth-file, its default).
      SecretReferences.of(this).recordKey(this, props.basicAuthSecret, 'auth');
      annotations[IngressAccessAnnotations.AUTH_TYPE] = 'basic';
      annotations[IngressAccessAnnotations.AUTH_SECRET] = props.basicAuthSecret.name;
      annotations[IngressAccessAnnotations.AUTH_REALM] = `${props.host} - authentication required`;
    }
    if (props.externalAuth !== undefined) {
      assertAt(this, 'externalAuth.url', /^https?:\/\/[^\s"']+$/.test(props.externalAuth.url) ? undefined : `must be an http(s) URL, got ${show(props.externalAuth.url)}`);
      assertAt(this, 'externalAuth.signinUrl', /^https?:\/\/[^\s"']+$/.test(props.externalAuth.signinUrl) ? undefined : `must be an http(s) URL, got ${show(props.externalAuth.signinUrl)}`);
      annotations[IngressAccessAnnotations.AUTH_URL] = props.externalAuth.url;
      annotations[IngressAccessAnnotations.AUTH_SIGNIN] = props.externalAuth.signinUrl;
    }

    this.ingress = new kplus.Ingress(this, 'Ingress', {
      metadata: { name: props.name, labels: labels(props.name), annotations: Object.keys(annotations).length === 0 ? undefined : annotations },
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
