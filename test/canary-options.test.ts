import { Duration } from 'cdk8s';
import { CANARY_HASH_ARG, ROLLOUTS_HASH_POD_LABEL, ROLLOUTS_HASH_SERIES_LABEL, checkBlueGreenRolloutOptions, checkCanaryAnalysis } from '../lib/delivery/canary-options';
import { analysisConditions } from '../lib/delivery/private/canary-analysis';

describe('canary options', () => {
  test('the series label is the pod label as Prometheus spells it', () => {
    expect(ROLLOUTS_HASH_POD_LABEL).toBe('rollouts-pod-template-hash');
    expect(ROLLOUTS_HASH_SERIES_LABEL).toBe(ROLLOUTS_HASH_POD_LABEL.replace(/-/g, '_'));
    expect(CANARY_HASH_ARG).toMatch(/^[a-z-]+$/);
  });

  test('blueGreen options: booleans and a whole-second delay', () => {
    expect(checkBlueGreenRolloutOptions({})).toBeUndefined();
    expect(checkBlueGreenRolloutOptions({ prePromotionAnalysis: true, postPromotionAnalysis: false, autoPromotion: false, scaleDownDelay: Duration.minutes(1) })).toBeUndefined();
    expect(checkBlueGreenRolloutOptions({ autoPromotion: 'false' })).toMatchObject({ field: '.autoPromotion' });
    expect(checkBlueGreenRolloutOptions({ scaleDownDelay: Duration.millis(500) })).toMatchObject({ field: '.scaleDownDelay' });
    expect(checkBlueGreenRolloutOptions('yes')).toMatch(/^must be an object/);
  });

  test('analysis options: a ReleaseHealth, an http(s) URL, thresholds in (0, 1]', () => {
    expect(checkCanaryAnalysis({ health: {}, prometheusUrl: 'http://p:9090' })).toMatchObject({ field: '.health' });
    expect(checkCanaryAnalysis({ health: {}, prometheusUrl: 'http://p:9090' })).toMatchObject({ problem: 'must be a ReleaseHealth, got {}' });
  });

  test('both conditions need a sample, so an empty result meets neither (Inconclusive)', () => {
    const { successCondition, failureCondition } = analysisConditions(0.001);
    expect(successCondition).toBe('len(result) > 0 && result[0] <= 0.001');
    expect(failureCondition).toBe('len(result) > 0 && result[0] > 0.001');
  });
});
