import { checkCanaryWeights } from '../lib/delivery/canary-steps';

describe('checkCanaryWeights', () => {
  test('accepts increasing whole percentages ending at 100', () => {
    expect(checkCanaryWeights([10, 50, 100])).toBeUndefined();
    expect(checkCanaryWeights([100])).toBeUndefined();
  });

  test('rejects steps that do not end at 100', () => {
    expect(checkCanaryWeights([10, 50])).toBe('must end at 100 (all traffic on the new release), got [10,50]');
  });

  test('rejects weights outside 1-100 or not whole', () => {
    expect(checkCanaryWeights([0, 100])).toBe('each weight must be a whole percentage from 1 to 100, got 0 at position 0 of [0,100]');
    expect(checkCanaryWeights([10, 101])).toBe('each weight must be a whole percentage from 1 to 100, got 101 at position 1 of [10,101]');
    expect(checkCanaryWeights([12.5, 100])).toBe('each weight must be a whole percentage from 1 to 100, got 12.5 at position 0 of [12.5,100]');
  });

  test('rejects weights that do not increase', () => {
    expect(checkCanaryWeights([50, 50, 100])).toBe('weights must increase, got 50 after 50 in [50,50,100]');
  });

  test('rejects no weights at all', () => {
    expect(checkCanaryWeights([])).toBe('required: at least one weight, ending at 100, got []');
    expect(checkCanaryWeights('10,100')).toBe('required: at least one weight, ending at 100, got "10,100"');
  });
});
