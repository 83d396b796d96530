/**
 * One evaluation of a visitor: segments, experiment assignments and rendered
 * slots, shared by the page rewrite, collect and the segments endpoint, so the
 * first HTML and the SDK's later updates always agree.
 */
import { assignExperiments, experimentSlotOffers, nextProfileExp } from './experiments.ts';
import { topInterest } from './metrics.ts';
import { placeholderValues, renderSlots, type RenderedSlot } from './render.ts';
import type { TailorConfig } from './schema.ts';
import { evaluateSegments } from './segments.ts';
import type { Profile, RequestContext } from './types.ts';

export interface Evaluation {
  segments: string[];
  /** experiment id -> variant the visitor sees now. */
  experiments: Record<string, string>;
  slots: Record<string, RenderedSlot>;
  /** Experiments assigned for the first time by this evaluation (store + expose). */
  newlyAssigned: string[];
  /** The profile with its sticky experiment assignments updated. */
  profile: Profile;
}

export interface Overrides {
  /** Preview: evaluate as exactly these segments. */
  segments?: string[];
  /** Preview/QA: force experiment variants (never stored or counted). */
  variants?: Record<string, string>;
}

export function evaluateVisitor(profile: Profile, config: TailorConfig, now: number, context: RequestContext, overrides: Overrides = {}): Evaluation {
  const segments = overrides.segments ?? evaluateSegments(profile, config, now, context);
  const assigned = assignExperiments(profile, config.experiments, segments, now, overrides.variants);
  const interest = topInterest(profile, now, config.settings.interestHalfLifeDays);
  const slots = renderSlots(config, segments, placeholderValues(context, interest), experimentSlotOffers(config.experiments, assigned.assignments));
  const preview = overrides.segments !== undefined || overrides.variants !== undefined;
  const exp = preview ? profile.exp : nextProfileExp(profile.exp, assigned, config.experiments);
  return {
    segments,
    experiments: assigned.assignments,
    slots,
    newlyAssigned: preview ? [] : assigned.newlyAssigned,
    profile: exp === profile.exp ? profile : { ...profile, exp },
  };
}
