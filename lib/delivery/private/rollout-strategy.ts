/**
 * The `strategy` of a Rollout: canary steps with an analysis after each weight below 100, or blue/green with
 * pre- and post-promotion analysis. Both pass the new pods' template hash to the analysis, whose queries
 * select the new release's series by it.
 */
import { RolloutSpecStrategy, RolloutSpecStrategyCanarySteps, RolloutSpecStrategyCanaryStepsPauseDuration } from '../../../imports/argoproj.io';

/** An analysis run of the AnalysisTemplate `templateName` on the newest pods (`podTemplateHashValue: Latest`). */
function analysisOf(templateName: string, hashArg: string) {
  return { templates: [{ templateName }], args: [{ name: hashArg, valueFrom: { podTemplateHashValue: 'Latest' } }] };
}

/** What {@link canaryStrategy} renders. */
export interface CanaryStrategySpec {
  readonly weightsPercent: readonly number[];
  readonly pauseSeconds: number;
  readonly stableService: string;
  readonly canaryService: string;
  readonly stableIngress: string;
  /** AnalysisTemplate after each weight below 100, if any. */
  readonly analysisTemplate?: string;
  readonly hashArg: string;
}

/** Canary steps: each weight, then (below 100) a pause and the analysis; traffic split by ingress-nginx. */
export function canaryStrategy(spec: CanaryStrategySpec): RolloutSpecStrategy {
  const steps: RolloutSpecStrategyCanarySteps[] = [];
  for (const weight of spec.weightsPercent) {
    steps.push({ setWeight: weight });
    if (weight === 100) {
      continue;
    }
    if (spec.pauseSeconds > 0) {
      steps.push({ pause: { duration: RolloutSpecStrategyCanaryStepsPauseDuration.fromString(`${spec.pauseSeconds}s`) } });
    }
    if (spec.analysisTemplate !== undefined) {
      steps.push({ analysis: analysisOf(spec.analysisTemplate, spec.hashArg) });
    }
  }
  return {
    canary: {
      stableService: spec.stableService,
      canaryService: spec.canaryService,
      trafficRouting: { nginx: { stableIngress: spec.stableIngress } },
      steps,
    },
  };
}

/** What {@link blueGreenStrategy} renders. */
export interface BlueGreenStrategySpec {
  readonly activeService: string;
  readonly previewService: string;
  readonly autoPromotion: boolean;
  readonly scaleDownDelaySeconds: number;
  /** AnalysisTemplate run on the preview pods before promotion, if any. */
  readonly prePromotionTemplate?: string;
  /** AnalysisTemplate run on the new pods after promotion, if any. */
  readonly postPromotionTemplate?: string;
  readonly hashArg: string;
}

/** Blue/green: the active Service switches to the new pods at promotion; the preview Service reaches them before. */
export function blueGreenStrategy(spec: BlueGreenStrategySpec): RolloutSpecStrategy {
  return {
    blueGreen: {
      activeService: spec.activeService,
      previewService: spec.previewService,
      autoPromotionEnabled: spec.autoPromotion,
      scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
      prePromotionAnalysis: spec.prePromotionTemplate === undefined ? undefined : analysisOf(spec.prePromotionTemplate, spec.hashArg),
      postPromotionAnalysis: spec.postPromotionTemplate === undefined ? undefined : analysisOf(spec.postPromotionTemplate, spec.hashArg),
    },
  };
}
