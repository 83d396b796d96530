/**
 * The sample A/B test `seed --with-experiment` adds to a config that has no
 * running experiment: the product-page recommendation ("Pairs well with" vs a
 * "Complete the kit" bundle), for everyone, goal add_to_cart. It uses the
 * `recommendation` slot so the home page's segment offers stay as they are.
 */
const DAY = 86_400_000;

export const SAMPLE_EXPERIMENT_ID = 'reco-bundle';

const reco = (kicker, note) =>
  `<div class="reco"><p class="reco-kicker">${kicker} <small>${note}</small></p><div class="reco-list"><a class="reco-card" href="/products/hip-pack-3.html"><span class="reco-body"><span class="reco-name">Hip Pack 3</span><span class="reco-meta">Bags · €39</span></span></a><a class="reco-card" href="/products/windbreaker-lite.html"><span class="reco-body"><span class="reco-name">Windbreaker Lite</span><span class="reco-meta">Jackets · €89</span></span></a></div></div>`;

/**
 * A copy of `config` with the sample experiment (running for the last 4 weeks
 * of the window), or `config` itself when it already runs an experiment or
 * has no recommendation slot.
 */
export function withSampleExperiment(config, today, days) {
  if (config.experiments.some((e) => e.status === 'running') || !Object.hasOwn(config.slots, 'recommendation')) return config;
  const start = new Date(Math.floor(today / DAY) * DAY - (Math.min(days, 28) - 1) * DAY).toISOString().slice(0, 10);
  return {
    ...structuredClone(config),
    experiments: [
      ...structuredClone(config.experiments).filter((e) => e.id !== SAMPLE_EXPERIMENT_ID),
      {
        id: SAMPLE_EXPERIMENT_ID,
        name: 'Product page: "Pairs well with" vs "Complete the kit" bundle',
        slot: 'recommendation',
        targeting: 'everyone',
        traffic: 1,
        status: 'running',
        start,
        variants: [
          { id: 'pairs-well', weight: 0.5, control: true, html: reco('Pairs well with', 'Hand-picked by our gear team') },
          { id: 'complete-kit', weight: 0.5, html: reco('Complete the kit', 'Add both and save 10%') },
        ],
        goals: { primary: 'add_to_cart', secondary: ['purchase'], windowDays: 14 },
      },
    ],
  };
}
