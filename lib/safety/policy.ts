import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ManifestFile } from '../render/manifest-writer';
import { checkDnsLabel, checkNonEmpty, checkOneOf } from '../core/checks';
import { failAt, ValidationError } from '../core/errors';
import {
  ObjectIndex, labelFindings, nameFindings, rbacFindings, replicaFindings, secretFindings, selectorFindings, serviceFindings,
  targetFindings,
} from './private/object-rules';
import { ownedSingleton } from '../core/registry-owner';
import {
  POD_SECURITY_CONTROLS, PodSecurityControl, RawFinding, hostAccessFindings, imageFindings, podSecurityFindings, probeFindings,
  resourceFindings,
} from './private/pod-rules';

export { POD_SECURITY_CONTROLS };
export { TWO_COMPONENT_RELEASE_IMAGES, isPinnedImage } from '../core/checks';
export type { PodSecurityControl };

/** The rules of the synth-time policy pass, each with the one-line fix the report prints. */
export const POLICY_RULES = {
  'pod-security-restricted': 'meet Pod Security restricted: use restrictedPodSecurityContext/restrictedContainerSecurityContext (lib/core/pod-hardening.ts)',
  'host-access': 'drop hostPath, host namespaces and host ports, or declare a namespace exception with Policy.exceptNamespace(...)',
  'container-resources': 'set requests and limits for cpu and memory from the environment config (toContainerResources)',
  'container-probes': 'add readiness and liveness probes (renderHttpProbe) to every long-running container',
  'image-tag': 'reference the image by a version tag or sha256 digest, never latest or nothing',
  'image-pinned': 'pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest',
  'disruption-budget': 'add a PodDisruptionBudget selecting the pods (maxUnavailable: 1)',
  'node-spread': 'spread the pods over kubernetes.io/hostname (hardenPodTemplate adds topology spread constraints)',
  'selector-matches-template': 'select on labels the pod template carries (select: false, then select on our labels)',
  'service-selects-pods': 'select labels of a rendered pod template and target a named container port it declares',
  'scale-target-exists': 'point scaleTargetRef at a rendered workload of the same namespace',
  'disruption-budget-target': 'select the labels of a rendered pod template of the same namespace',
  'secret-literal-data': 'reference the Secret (Secret.fromSecretName, secretKeyRef) instead of rendering its values',
  'rbac-wildcard': 'list the verbs and resources the role needs instead of "*"',
  'label-syntax': 'use label keys [prefix/]name and values of at most 63 letters, digits, -, _ and . (alphanumeric at both ends)',
  'object-name': 'use a lower-case DNS-1123 name (a label for Namespaces and Services)',
} as const;

/** Identifier of a policy rule (a key of {@link POLICY_RULES}). */
export type PolicyRuleId = keyof typeof POLICY_RULES;

/** Every rule id, sorted. */
export const POLICY_RULE_IDS = Object.keys(POLICY_RULES).sort() as PolicyRuleId[];

/** How a finding counts: errors fail synth, warnings are reported, waived findings are listed with the reason. */
export type FindingStatus = 'error' | 'warning' | 'waived';

/** One problem the policy pass found. */
export interface PolicyFinding {
  /** The rule broken. */
  readonly rule: PolicyRuleId;
  /** How it counts. */
  readonly status: FindingStatus;
  /** Path of the construct that rendered the object. */
  readonly path: string;
  /** The object: `Kind namespace/name`. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
  /** One-line fix. */
  readonly fix: string;
  /** Why it is waived: the suppression's or namespace exception's reason. Empty unless waived. */
  readonly reason: string;
}

/** Options of {@link Policy.check}. */
export interface PolicyCheckOptions {
  /**
   * Rules whose findings are reported as warnings instead of failing synth (dev only; see
   * `stacks/config/`).
   *
   * @default - every rule is an error
   */
  readonly warnings?: readonly PolicyRuleId[];
}

/** The outcome of a policy pass over one tree. */
export class PolicyReport {
  constructor(
    /** Every finding, grouped by path, then by rule, object and message. */
    public readonly findings: readonly PolicyFinding[],
    /** Waivers that matched nothing (stale: delete them). */
    public readonly unusedWaivers: readonly string[],
  ) {}

  /** Findings that fail synth. */
  public get errors(): PolicyFinding[] {
    return this.findings.filter((f) => f.status === 'error');
  }

  /** Findings reported without failing. */
  public get warnings(): PolicyFinding[] {
    return this.findings.filter((f) => f.status === 'warning');
  }

  /** Suppressed or excepted findings. */
  public get waived(): PolicyFinding[] {
    return this.findings.filter((f) => f.status === 'waived');
  }

  /** The readable report: a count line, then findings grouped by construct path, each with its fix. */
  public format(): string {
    const lines = [`${this.errors.length} error(s), ${this.warnings.length} warning(s), ${this.waived.length} waived`];
    let path: string | undefined;
    for (const f of this.findings) {
      if (f.path !== path) {
        path = f.path;
        lines.push(`  ${path}`);
      }
      lines.push(`    ${f.status} ${f.rule}: ${f.object}: ${f.message}`);
      lines.push(f.status === 'waived' ? `      reason: ${f.reason}` : `      fix: ${f.fix}`);
    }
    for (const waiver of this.unusedWaivers) {
      lines.push(`  unused waiver (delete it): ${waiver}`);
    }
    return lines.join('\n');
  }

  /**
   * Fails when any finding is an error.
   *
   * @throws ValidationError `[<where>] policy: <report>`
   */
  public throwIfErrors(where: string): void {
    if (this.errors.length > 0) {
      throw new ValidationError(where, 'policy', this.format());
    }
  }
}

interface Suppression {
  readonly path: string;
  readonly rule: PolicyRuleId;
  readonly reason: string;
}

interface NamespaceException {
  readonly namespace: string;
  readonly controls: readonly PodSecurityControl[];
  readonly reason: string;
  readonly declaredBy: string;
}

const POLICY_ID = 'Policy';

/**
 * The synth-time policy pass and its waivers: rules run over the synthesized objects of a whole tree, so
 * they gate every construct, including ones added later. One registry exists per owner (RegistryOwner).
 *
 * Waivers are narrow on purpose: a suppression names one construct (and covers the objects it and its
 * children render), one rule and a reason; a namespace exception allows named Pod Security controls in
 * one namespace, once, with a reason. Both reasons appear in the report.
 */
export class Policy extends Construct {
  /** The registry of `scope`'s owner (RegistryOwner.of: a declared platform root, else the outermost Chart), created on first use. */
  public static of(scope: IConstruct): Policy {
    return ownedSingleton(scope, POLICY_ID, (c): c is Policy => c instanceof Policy, (owner, id) => new Policy(owner, id));
  }

  /**
   * Waives `rule` for the objects `construct` (and its children) renders.
   *
   * @throws ValidationError for a chart or tree root, an unknown rule, an empty reason or a repeated suppression
   */
  public static suppress(construct: IConstruct, rule: PolicyRuleId, reason: string): void {
    Policy.of(construct).addSuppression(construct, rule, reason);
  }

  /**
   * Allows Pod Security controls (`hostPath`, `runAsNonRoot`...) in one namespace, declared once.
   *
   * @throws ValidationError for an invalid namespace, no or unknown controls, an empty reason, or a
   * namespace that already has an exception
   */
  public static exceptNamespace(scope: IConstruct, namespace: string, controls: readonly PodSecurityControl[], reason: string): void {
    Policy.of(scope).addNamespaceException(scope, namespace, controls, reason);
  }

  private readonly suppressions: Suppression[] = [];
  private readonly exceptions = new Map<string, NamespaceException>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Runs every rule over the files rendered from this tree. */
  public check(files: readonly ManifestFile[], options: PolicyCheckOptions = {}): PolicyReport {
    const warnings = new Set(options.warnings ?? []);
    const objects = files.flatMap((f) => f.objects);
    const paths = files.flatMap((f) => f.objects.map((_, i) => f.constructPaths?.[i] ?? this.node.scope!.node.path));
    const index = new ObjectIndex(objects);
    const used = new Set<Suppression | NamespaceException>();
    const findings: PolicyFinding[] = [];
    index.all.forEach((o, i) => {
      const raw: RawFinding[] = [
        ...nameFindings(o), ...labelFindings(o), ...selectorFindings(o), ...serviceFindings(o, index), ...targetFindings(o, index),
        ...replicaFindings(o, index), ...secretFindings(o), ...rbacFindings(o),
      ];
      if (o.template !== undefined) {
        raw.push(...podSecurityFindings(o.template), ...hostAccessFindings(o.template), ...resourceFindings(o.template),
          ...probeFindings(o.template), ...imageFindings(o.template));
      }
      for (const r of raw) {
        const rule = r.rule as PolicyRuleId;
        const path = paths[i];
        const suppression = this.suppressions.find((s) => s.rule === rule && (path === s.path || path.startsWith(`${s.path}/`)));
        const exception = r.control === undefined ? undefined : this.exceptions.get(o.namespace);
        const excepted = exception !== undefined && exception.controls.includes(r.control!) ? exception : undefined;
        const waiver = suppression ?? excepted;
        if (waiver !== undefined) {
          used.add(waiver);
        }
        const reason = suppression !== undefined ? `suppressed: ${suppression.reason}`
          : excepted !== undefined ? `namespace ${excepted.namespace} allows ${r.control}: ${excepted.reason}` : '';
        findings.push({
          rule,
          status: waiver !== undefined ? 'waived' : warnings.has(rule) ? 'warning' : 'error',
          path,
          object: `${o.kind} ${o.obj.metadata?.namespace === undefined ? '' : `${o.namespace}/`}${o.name}`,
          message: r.message,
          fix: POLICY_RULES[rule],
          reason,
        });
      }
    });
    const rank: Record<FindingStatus, number> = { error: 0, warning: 1, waived: 2 };
    const key = (f: PolicyFinding) => `${f.path}\0${rank[f.status]}\0${f.rule}\0${f.object}\0${f.message}`;
    findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const unused = [
      ...this.suppressions.filter((s) => !used.has(s)).map((s) => `suppression of ${s.rule} at ${s.path}`),
      ...[...this.exceptions.values()].filter((e) => !used.has(e)).map((e) => `exception for namespace ${e.namespace} declared by ${e.declaredBy}`),
    ].sort();
    return new PolicyReport(findings, unused);
  }

  private addSuppression(construct: IConstruct, rule: PolicyRuleId, reason: string): void {
    if (construct.node.scope === undefined || construct.node.scope.node.scope === undefined || Chart.isChart(construct)) {
      failAt(construct, 'policy.suppress', 'suppress at the construct that renders the object, not a chart or the tree root');
    }
    const ruleProblem = checkOneOf(rule, POLICY_RULE_IDS);
    if (ruleProblem !== undefined) {
      failAt(construct, 'policy.suppress.rule', ruleProblem);
    }
    if (checkNonEmpty(reason) !== undefined) {
      failAt(construct, `policy.suppress.${rule}`, 'a written reason is required: it is printed in every policy report');
    }
    if (this.suppressions.some((s) => s.path === construct.node.path && s.rule === rule)) {
      failAt(construct, `policy.suppress.${rule}`, 'is already suppressed here');
    }
    this.suppressions.push({ path: construct.node.path, rule, reason: reason.trim() });
  }

  private addNamespaceException(scope: IConstruct, namespace: string, controls: readonly PodSecurityControl[], reason: string): void {
    const problem = checkDnsLabel(namespace);
    if (problem !== undefined) {
      failAt(scope, 'policy.exceptNamespace.namespace', problem);
    }
    if (controls.length === 0) {
      failAt(scope, `policy.exceptNamespace.${namespace}`, `name the controls to allow, from ${POD_SECURITY_CONTROLS.join(', ')}`);
    }
    for (const control of controls) {
      const bad = checkOneOf(control, POD_SECURITY_CONTROLS);
      if (bad !== undefined) {
        failAt(scope, `policy.exceptNamespace.${namespace}.controls`, bad);
      }
    }
    if (checkNonEmpty(reason) !== undefined) {
      failAt(scope, `policy.exceptNamespace.${namespace}`, 'a written reason is required: it is printed in every policy report');
    }
    const existing = this.exceptions.get(namespace);
    if (existing !== undefined) {
      failAt(scope, `policy.exceptNamespace.${namespace}`, `already declared by ${existing.declaredBy}: declare each namespace's exception once`);
    }
    this.exceptions.set(namespace, { namespace, controls: [...controls].sort(), reason: reason.trim(), declaredBy: scope.node.path });
  }
}
