import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { Check, checkDataKey, checkSecret, checkShape } from './checks';
import { assertAt } from './errors';
import { ownedSingleton } from './registry-owner';

/** One key of a Secret, referenced (never copied) by a consumer. */
export interface SecretKeyReference {
  /** The Secret, usually `kplus.Secret.fromSecretName(...)`: it is created outside this library. */
  readonly secret: kplus.ISecret;

  /** Key within the Secret. */
  readonly key: string;
}

/** The run-time check of a {@link SecretKeyReference} prop: a Secret and a valid key. */
export const checkSecretKeyReference: Check = checkShape({ secret: checkSecret, key: checkDataKey });

/** One Secret the synthesized manifests depend on, and the keys read from it. */
export interface SecretReference {
  /** Namespace the Secret must exist in. */
  readonly namespace: string;

  /** Name of the Secret. */
  readonly name: string;

  /** Keys read individually (`secretKeyRef`), sorted. Empty when only the whole Secret is read. */
  readonly keys: string[];

  /** True when some pod loads every key of the Secret (`envFrom`). */
  readonly wholeSecret: boolean;

  /** Construct paths of the consumers, sorted. */
  readonly referencedBy: string[];
}

interface Entry {
  readonly keys: Set<string>;
  readonly consumers: Set<string>;
  wholeSecret: boolean;
}

const REGISTRY_ID = 'SecretReferences';

/**
 * Records which Secrets and keys the manifests reference, without ever rendering their values.
 *
 * Secrets are created outside this library (a secret manager or sealed secrets); what we can do is say
 * exactly which ones must exist before a deploy. One registry exists per construct tree; constructs
 * record into it with {@link SecretReferences.of}.
 */
export class SecretReferences extends Construct {
  /** The registry of `scope`'s owner (RegistryOwner.of: a declared platform root, else the outermost Chart), created on first use. */
  public static of(scope: IConstruct): SecretReferences {
    return ownedSingleton(scope, REGISTRY_ID, (c): c is SecretReferences => c instanceof SecretReferences, (owner, id) => new SecretReferences(owner, id));
  }

  private readonly entries = new Map<string, Entry>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Records that `consumer` reads `key` of `secret` (in the consumer's chart namespace). */
  public recordKey(consumer: IConstruct, secret: kplus.ISecret, key: string): void {
    assertAt(consumer, 'secret', checkSecret(secret));
    assertAt(consumer, 'key', checkDataKey(key));
    this.entry(consumer, secret).keys.add(key);
  }

  /** Records that `consumer` loads every key of `secret`. */
  public recordWholeSecret(consumer: IConstruct, secret: kplus.ISecret): void {
    assertAt(consumer, 'secret', checkSecret(secret));
    this.entry(consumer, secret).wholeSecret = true;
  }

  /** Every referenced Secret, sorted by namespace and name. */
  public list(): SecretReference[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, entry]) => {
        const [namespace, name] = id.split('/');
        return {
          namespace,
          name,
          keys: [...entry.keys].sort(),
          wholeSecret: entry.wholeSecret,
          referencedBy: [...entry.consumers].sort(),
        };
      });
  }

  private entry(consumer: IConstruct, secret: kplus.ISecret): Entry {
    const namespace = Chart.of(consumer).namespace ?? 'default';
    const id = `${namespace}/${secret.name}`;
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { keys: new Set(), consumers: new Set(), wholeSecret: false };
      this.entries.set(id, entry);
    }
    entry.consumers.add(consumer.node.path);
    return entry;
  }
}
