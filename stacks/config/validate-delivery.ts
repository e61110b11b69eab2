/**
 * Checks of the `delivery` section at load: the verified switch's bake time and thresholds, and the canary's
 * steps, analysis and its need for Argo Rollouts in the cluster.
 */
import { Duration } from 'cdk8s';
import { checkDnsLabel, checkHostName, checkImageTag, checkInteger } from '../../lib/core/checks';
import { checkResources } from '../../lib/core/container-resources';
import { checkCanaryWeights } from '../../lib/delivery/canary-steps';
import { checkFraction } from '../../lib/delivery/verified-switch';
import { checkPinnedImage } from '../../lib/observability/monitoring-server';
import { EnvironmentConfig } from './types';

/** Checks `delivery`, reporting through `check(field, problem)`. */
export function validateDeliveryConfig(config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  const delivery = config.delivery;
  if (delivery === undefined) {
    return;
  }
  const verify = delivery.verifiedSwitch;
  if (verify !== undefined) {
    const where = 'delivery.verifiedSwitch';
    const bake = wholeSeconds(verify.bakeTime);
    check(`${where}.bakeTime`, bake !== undefined && bake >= 1 ? undefined : `must be at least one whole second, got ${showDuration(verify.bakeTime)}`);
    const interval = wholeSeconds(verify.checkInterval);
    check(`${where}.checkInterval`, interval !== undefined && interval >= 1 && interval <= (bake ?? 0)
      ? undefined : `must be whole seconds between 1 and the bake time, got ${showDuration(verify.checkInterval)}`);
    check(`${where}.errorRatioMax`, checkFraction(verify.errorRatioMax));
    check(`${where}.latencyP95Max`, positive(verify.latencyP95Max));
    check(`${where}.image`, checkPinnedImage(verify.image));
    const resources = checkResources(verify.resources);
    if (resources !== undefined) {
      check(`${where}.resources.${resources.field}`, resources.problem);
    }
  }
  const canary = delivery.canary;
  if (canary !== undefined) {
    const where = 'delivery.canary';
    if (delivery.argoRollouts !== true) {
      check(where, 'needs Argo Rollouts in the cluster: declare it with delivery.argoRollouts: true (and install the controller) or remove the canary');
    }
    check(`${where}.appName`, checkDnsLabel(canary.appName));
    check(`${where}.imageTag`, checkImageTag(canary.imageTag, true));
    check(`${where}.host`, checkHostName(canary.host));
    check(`${where}.weightsPercent`, checkCanaryWeights(canary.weightsPercent));
    const pause = wholeSeconds(canary.pause);
    check(`${where}.pause`, pause !== undefined && pause >= 0 ? undefined : `must be whole seconds, got ${showDuration(canary.pause)}`);
    const analysisInterval = wholeSeconds(canary.analysisInterval);
    check(`${where}.analysisInterval`, analysisInterval !== undefined && analysisInterval >= 1 ? undefined : `must be at least one whole second, got ${showDuration(canary.analysisInterval)}`);
    check(`${where}.analysisCount`, checkInteger(canary.analysisCount, 1, 100));
    check(`${where}.analysisFailureLimit`, checkInteger(canary.analysisFailureLimit, 0, Math.max(0, canary.analysisCount - 1)));
    check(`${where}.errorRatioMax`, checkFraction(canary.errorRatioMax));
    check(`${where}.latencyP95Max`, positive(canary.latencyP95Max));
    check(`${where}.replicas`, checkInteger(canary.replicas, 1, 100));
  }
}

function wholeSeconds(value: unknown): number | undefined {
  if (!(value instanceof Duration)) {
    return undefined;
  }
  const seconds = value.toMilliseconds() / 1000;
  return Number.isInteger(seconds) ? seconds : undefined;
}

function positive(value: unknown): string | undefined {
  return value instanceof Duration && value.toMilliseconds() > 0 ? undefined : `must be a positive duration, got ${showDuration(value)}`;
}

function showDuration(value: unknown): string {
  return value instanceof Duration ? `${value.toMilliseconds() / 1000}s` : JSON.stringify(value) ?? String(value);
}
