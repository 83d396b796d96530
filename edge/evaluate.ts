/**
 * One evaluation of a visitor: segments, experiment assignments and rendered
 * slots, shared by the page rewrite, collect and the segments endpoint.
 */
import { topInterest } from './metrics.ts';
import { placeholderValues, renderSlots, type RenderedSlot } from './render.ts';
import type { TailorConfig } from './schema.ts';
import { evaluateSegments } from './segments.ts';
import type { Profile, RequestContext } from './types.ts';

export interface Evaluation {
  segments: string[];
  experiments: Record<string, string>;
  slots: Record<string, RenderedSlot>;
}

export function evaluateVisitor(profile: Profile, config: TailorConfig, now: number, context: RequestContext): Evaluation {
  const segments = evaluateSegments(profile, config, now, context);
  const interest = topInterest(profile, now, config.settings.interestHalfLifeDays);
  const slots = renderSlots(config, segments, placeholderValues(context, interest));
  return { segments, experiments: {}, slots };
}
