import { LARAVEL_REDIS_PREFIX, LARAVEL_REDIS_REACHABLE_COMMAND, laravelQueueListKeyPrefix, laravelQueueListKeys } from '../lib/laravel/laravel-queues';

describe('Laravel queue keys', () => {
  test('a queue\'s pending jobs are the list queues:<name> under the Redis prefix', () => {
    expect(LARAVEL_REDIS_PREFIX).toBe('laravel_database_');
    expect(laravelQueueListKeyPrefix()).toBe('laravel_database_queues:');
    expect(laravelQueueListKeys(['high', 'default'])).toEqual(['laravel_database_queues:high', 'laravel_database_queues:default']);
    expect(laravelQueueListKeys(['default'], 'shop:')).toEqual(['shop:queues:default']);
  });

  test('the probe without heartbeat connects to REDIS_HOST:REDIS_PORT and fails when it cannot', () => {
    expect(LARAVEL_REDIS_REACHABLE_COMMAND.slice(0, 2)).toEqual(['php', '-r']);
    expect(LARAVEL_REDIS_REACHABLE_COMMAND[2]).toContain('fsockopen(getenv("REDIS_HOST")');
    expect(LARAVEL_REDIS_REACHABLE_COMMAND[2]).toContain('exit($s === false ? 1 : 0)');
  });
});
