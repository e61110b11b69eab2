import { show } from '../core/errors';

/**
 * Checks canary traffic weights: at least one, each a whole percentage from 1 to 100, strictly increasing,
 * the last one 100 (a canary that never reaches 100 % would leave the release half-done forever).
 *
 * @returns the problem, or `undefined` when the weights are valid
 */
export function checkCanaryWeights(weights: unknown): string | undefined {
  if (!Array.isArray(weights) || weights.length === 0) {
    return `required: at least one weight, ending at 100, got ${show(weights)}`;
  }
  for (const [i, weight] of weights.entries()) {
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      return `each weight must be a whole percentage from 1 to 100, got ${show(weight)} at position ${i} of ${show(weights)}`;
    }
    if (i > 0 && weight <= weights[i - 1]) {
      return `weights must increase, got ${weight} after ${weights[i - 1]} in ${show(weights)}`;
    }
  }
  if (weights[weights.length - 1] !== 100) {
    return `must end at 100 (all traffic on the new release), got ${show(weights)}`;
  }
  return undefined;
}
