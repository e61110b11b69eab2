import { LARAVEL_READ_HOST_SLOTS, laravelReadHostSettings } from '../lib/laravel/laravel-database';

describe('laravelReadHostSettings', () => {
  test('fills seed 001\'s two read slots from the replicas, in turn, and lists them all', () => {
    expect(LARAVEL_READ_HOST_SLOTS).toBe(2);
    expect(laravelReadHostSettings(['r1', 'r2'], 'primary')).toEqual({ DB_READ_HOSTS: 'r1,r2', DB_READ_HOST_1: 'r1', DB_READ_HOST_2: 'r2' });
    expect(laravelReadHostSettings(['r1'], 'primary')).toEqual({ DB_READ_HOSTS: 'r1', DB_READ_HOST_1: 'r1', DB_READ_HOST_2: 'r1' });
    expect(laravelReadHostSettings(['r1', 'r2', 'r3'], 'primary')).toEqual({
      DB_READ_HOSTS: 'r1,r2,r3', DB_READ_HOST_1: 'r1', DB_READ_HOST_2: 'r2', DB_READ_HOST_3: 'r3',
    });
  });

  test('without replicas every read variable names the primary', () => {
    expect(laravelReadHostSettings([], 'mysql-primary')).toEqual({ DB_READ_HOSTS: 'mysql-primary', DB_READ_HOST_1: 'mysql-primary', DB_READ_HOST_2: 'mysql-primary' });
  });
});
