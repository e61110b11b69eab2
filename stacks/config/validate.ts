/**
 * Checks of an environment's configuration at load: first the schema (schema.ts: every key known, every
 * field of its type and within its rule), then the rules that relate two fields or depend on the
 * environment's key.
 */
import { z } from 'zod';
import { checkImageTag, checkReplicaBounds } from '../../lib/core/checks';
import { memoryQuantity, memoryToKibibytes } from '../../lib/core/container-resources';
import { ValidationError } from '../../lib/core/errors';
import { closestName } from '../../lib/core/did-you-mean';
import { show } from '../../lib/core/errors';
import { MysqlServiceNames } from '../../lib/data/mysql-cluster';

import { environmentSchema, releaseStateSchema } from './schema';
import { validateDeliveryConfig } from './validate-delivery';
import { EnvironmentConfig, ReleaseState } from './types';

/** `a.b[0].c` for a zod issue path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** One `field: problem` pair for the first problem zod found, worded like the rest of the checks. */
function describeIssue(root: z.ZodType, issue: z.core.$ZodIssue, config: unknown): { field: string; problem: string } {
  const at = (path: readonly PropertyKey[]) => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), config);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const owner = at(issue.path);
    const known = Object.keys(knownKeys(root, issue.path, config)).filter((k) => !(owner !== null && typeof owner === 'object' && issue.keys.includes(k)));
    const suggestion = closestName(key, known);
    return {
      field: fieldPath([...issue.path, key]),
      problem: suggestion !== undefined ? `unknown key (did you mean ${suggestion}?)` : `unknown key; expected one of ${known.join(', ')}`,
    };
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator !== undefined) {
    const options = (issue as { options?: unknown[] }).options ?? [];
    return { field: fieldPath(issue.path), problem: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${show(at(issue.path))}` };
  }
  if (issue.code === 'invalid_type' || issue.code === 'invalid_value') {
    return { field: fieldPath(issue.path), problem: `must be ${issue.code === 'invalid_type' ? `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}` : issue.message}, got ${show(at(issue.path))}` };
  }
  return { field: fieldPath(issue.path), problem: issue.message };
}

/** The keys the schema allows at a path of the config (the object that held an unknown key). */
function knownKeys(root: z.ZodType, path: readonly PropertyKey[], config: unknown): Record<string, unknown> {
  let schema: z.ZodType = root;
  let value: unknown = config;
  for (const key of path) {
    schema = unwrap(schema, value);
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    schema = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>)[String(key)] : schema;
  }
  const found = unwrap(schema, value);
  return found instanceof z.ZodObject ? found.shape as Record<string, unknown> : {};
}

/** The object schema behind optional, refined and discriminated-union wrappers, for the value at hand. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    if (s instanceof z.ZodOptional) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDiscriminatedUnion) {
      const discriminator = (s.def as { discriminator: string }).discriminator;
      const wanted = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator] : undefined;
      const option = (s.options as z.ZodType[]).find((o) => o instanceof z.ZodObject && (o.shape as Record<string, z.ZodType>)[discriminator] instanceof z.ZodLiteral
        && ((o.shape as Record<string, z.ZodLiteral>)[discriminator].values as Set<unknown>).has(wanted));
      if (option === undefined) {
        return s;
      }
      s = option;
    } else {
      return s;
    }
  }
  return s;
}

/** Throws the first problem the schema finds in `value`, as `[where] field: problem`. */
function checkSchema(schema: z.ZodType, where: string, value: unknown): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const { field, problem } = describeIssue(schema, parsed.error.issues[0], value);
    throw new ValidationError(where, field, problem);
  }
}

/**
 * Checks one line of `releases.ts` (what promote and rollback rewrite) against its schema.
 *
 * @throws ValidationError `[releases <key>] <field>: <problem>`, e.g. a misspelt key with the closest known one
 */
export function validateRelease(key: string, release: ReleaseState): void {
  checkSchema(releaseStateSchema, `releases ${key}`, release);
}

/**
 * Checks an environment's configuration: the schema first (unknown keys, types, single-field rules), then
 * the rules across fields. Constructs check their own props again for library consumers with the same
 * shared checks, so the rules cannot drift apart.
 *
 * @throws ValidationError `[environment <key>] <field>: <problem>` for the first mistake
 */
export function validateEnvironment(key: string, config: EnvironmentConfig): void {
  const where = `environment ${key}`;
  checkSchema(environmentSchema, where, config);
  const check = (field: string, problem: string | undefined) => {
    if (problem !== undefined) {
      throw new ValidationError(where, field, problem);
    }
  };
  check('name', config.name === key ? undefined : `must equal its key ${JSON.stringify(key)}, got ${JSON.stringify(config.name)}`);
  validateDeliveryConfig(config, check);
  // Argo CD must apply this environment's folder and nothing else.
  check('gitops.path', config.gitops.path === `dist/${key}` ? undefined : `must be "dist/${key}", got ${JSON.stringify(config.gitops.path)}`);
  const web = config.web;
  check('web.blueImageTag', checkImageTag(web.blueImageTag, config.requirePinnedImages));
  check('web.greenImageTag', checkImageTag(web.greenImageTag, config.requirePinnedImages));
  if (web.hotfix !== undefined) {
    check('web.hotfix.imageTag', checkImageTag(web.hotfix.imageTag, config.requirePinnedImages));
  }
  if (key !== 'prod' && web.access.allowSourceRanges.length === 0 && (web.access.publicWaiver ?? '').trim() === '') {
    // Seed 004: dev and staging sit behind the VPN; an open one exposes debug pages and test data.
    check('web.access.allowSourceRanges', 'required outside production: list the VPN\'s address blocks, or state why the environment is public in web.access.publicWaiver');
  }
  if (web.autoscaling !== undefined) {
    check('web.autoscaling.minReplicas', checkReplicaBounds(web.autoscaling.minReplicas, web.autoscaling.maxReplicas));
  }
  if (web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
  const w = config.workers;
  check('workers.imageTag', checkImageTag(w.imageTag, config.requirePinnedImages));
  if ((w.replicas === undefined) === (w.autoscaling === undefined)) {
    check('workers.replicas', 'give exactly one of replicas and autoscaling');
  }
  if (w.autoscaling !== undefined) {
    check('workers.autoscaling.minReplicas', checkReplicaBounds(w.autoscaling.minReplicas, w.autoscaling.maxReplicas));
  }
  if (config.backup.preSyncBackup && !config.backup.enabled) {
    check('backup.preSyncBackup', 'needs backups enabled (backup.enabled: true)');
  }
  const m = config.mysql;
  (m.readHosts ?? []).forEach((host, i) => {
    const allowed = [...Array.from({ length: m.replicas }, (_, n) => MysqlServiceNames.replica(n + 1)), ...(m.replicas > 0 ? [MysqlServiceNames.READ] : [])];
    check(`mysql.readHosts[${i}]`, m.replicas === 0
      ? `the environment has no MySQL replicas (mysql.replicas is 0), so reads go to the primary; remove the read host, got ${show(host)}`
      : (allowed.includes(host) ? undefined : `must be one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(host)}`));
  });
  if (memoryToKibibytes(m.primaryBufferPool) >= memoryToKibibytes(m.resources.memoryLimit)
    || memoryToKibibytes(m.replicaBufferPool) >= memoryToKibibytes(m.resources.memoryLimit)) {
    // The buffer pool is only part of what mysqld allocates: at the limit it would be OOM-killed.
    check('mysql.primaryBufferPool', `must be below the memory limit (${memoryQuantity(m.resources.memoryLimit)}) for primary and replicas`);
  }
  const r = config.redis;
  if (memoryToKibibytes(r.maxMemory) >= memoryToKibibytes(r.resources.memoryLimit)) {
    check('redis.maxMemory', `must be below the memory limit (${memoryQuantity(r.resources.memoryLimit)}), got ${memoryQuantity(r.maxMemory)}`);
  }
  if (config.requirePinnedImages && config.policy.warnings.length > 0) {
    check('policy.warnings', `must be empty where images are pinned: every policy finding fails synth there, got ${JSON.stringify(config.policy.warnings)}`);
  }
}
