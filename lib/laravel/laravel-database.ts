/**
 * How a Laravel app finds its read replicas: the environment variables its read/write connection reads.
 */

/** Read-host variables the platform's `config/database.php` lists (`DB_READ_HOST_1`, `DB_READ_HOST_2`). */
export const LARAVEL_READ_HOST_SLOTS = 2;

/**
 * Settings that send the app's reads to `readHosts` (writes stay on `DB_HOST`):
 *
 * - `DB_READ_HOST_1` ... `DB_READ_HOST_<n>`, n = at least {@link LARAVEL_READ_HOST_SLOTS}: the read hosts in
 *   turn, so a `config/database.php` with a fixed number of `read` entries (the platform has two) never falls
 *   back to its `127.0.0.1` default when there are fewer replicas than entries;
 * - `DB_READ_HOSTS`: the same hosts, comma-separated, for a config that builds `read.host` as a list.
 *
 * With no read hosts (no replicas), every variable names `primaryHost`: reads go to the primary.
 */
export function laravelReadHostSettings(readHosts: readonly string[], primaryHost: string, slots: number = LARAVEL_READ_HOST_SLOTS): Record<string, string> {
  const hosts = readHosts.length > 0 ? [...readHosts] : [primaryHost];
  const settings: Record<string, string> = { DB_READ_HOSTS: hosts.join(',') };
  for (let i = 0; i < Math.max(slots, hosts.length); i++) {
    settings[`DB_READ_HOST_${i + 1}`] = hosts[i % hosts.length];
  }
  return settings;
}
