/**
 * Derived object names that stay within Kubernetes' 63-character limit without colliding.
 */
import { createHash } from 'crypto';

/** The longest DNS-1123 label, and the longest label value. */
export const MAX_NAME_LENGTH = 63;

/**
 * `name` as it is when it fits in `max` characters; otherwise its first characters followed by `-` and
 * eight hex digits of a SHA-256 of `identity` (the whole name by default).
 *
 * The suffix is stable (the same input always gives the same name) and two inputs that share their first
 * characters still get different names, which plain truncation would merge.
 */
export function shortenName(name: string, identity: string = name, max: number = MAX_NAME_LENGTH): string {
  if (name.length <= max) {
    return name;
  }
  return `${name.slice(0, max - 9).replace(/[-.]+$/, '')}-${stableHash(identity)}`;
}

/** Eight hex digits of the SHA-256 of `text`. */
export function stableHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * An object name derived from a base name and suffixes (`storefront-blue-hpa`), shortened with a stable hash
 * when it would pass 63 characters, so a long but valid base name never yields an invalid or cut name.
 */
export function derivedName(base: string, ...suffixes: string[]): string {
  return shortenName([base, ...suffixes].join('-'));
}
