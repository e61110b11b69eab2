import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { checkResources, cpuToMillis, memoryQuantity } from '../lib/core/container-resources';
import { SMALL_RESOURCES } from './helpers';

describe('container resources', () => {
  test('parses CPU quantities', () => {
    expect([cpuToMillis(Cpu.millis(250)), cpuToMillis(Cpu.units(0.5)), cpuToMillis(Cpu.units(2)), cpuToMillis({ amount: 'x' } as Cpu)]).toEqual([250, 500, 2000, undefined]);
  });

  test('renders memory in the largest whole binary unit', () => {
    expect([memoryQuantity(Size.mebibytes(512)), memoryQuantity(Size.gibibytes(1)), memoryQuantity(Size.mebibytes(1536))]).toEqual(['512Mi', '1Gi', '1536Mi']);
  });

  test('accepts limits at or above requests', () => {
    expect(checkResources(SMALL_RESOURCES)).toBeUndefined();
    expect(checkResources({ ...SMALL_RESOURCES, cpuLimit: SMALL_RESOURCES.cpuRequest })).toBeUndefined();
  });

  test('rejects missing, non-positive and inverted values', () => {
    expect(checkResources(undefined)?.problem).toBe('required: cpuRequest, cpuLimit, memoryRequest and memoryLimit');
    expect(checkResources({ ...SMALL_RESOURCES, cpuRequest: Cpu.millis(0) })).toEqual({ field: 'cpuRequest', problem: 'must be a positive CPU quantity such as "250m", got "0m"' });
    expect(checkResources({ ...SMALL_RESOURCES, memoryLimit: Size.mebibytes(64) })).toEqual({ field: 'memoryLimit', problem: 'must be at least memoryRequest (128Mi), got 64Mi' });
  });
});
