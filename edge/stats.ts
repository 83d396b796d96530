/**
 * Statistics for A/B test results. Pure and deterministic (no Math.random), so
 * the dashboard, the admin API and the tests all get the same numbers.
 *
 * Conversion data is binomial: `conversions` of `visitors` (each visitor counted
 * once). The control is the variant marked `control: true`, else the first one.
 */
import type { Experiment } from './schema.ts';

/** z for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

// ---------------------------------------------------------------- special functions

const SQRT1_PI = 0.56418958354775628695; // 1/√π

// W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969), coefficients as in his CALERF (SPECFUN). Relative error
// below 1e-15 everywhere, so Φ is good to far better than 1e-7 even in the tails.
const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERF_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const ERF_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const ERF_P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const ERF_Q = [2.56852019228982242, 1.87295284992346725, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];

/** exp(−y²) without the cancellation error of squaring a large y (Cody's split). */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** Complementary error function erfc(x) = 1 − erf(x) (Cody 1969). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) {
    const ysq = y > 1.11e-16 ? y * y : 0;
    let num = ERF_A[4]! * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]!) * ysq;
      den = (den + ERF_B[i]!) * ysq;
    }
    return 1 - (x * (num + ERF_A[3]!)) / (den + ERF_B[3]!);
  } else if (y <= 4) {
    let num = ERF_C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERF_C[i]!) * y;
      den = (den + ERF_D[i]!) * y;
    }
    r = expMinusSquare(y) * ((num + ERF_C[7]!) / (den + ERF_D[7]!));
  } else if (y >= 26.7) {
    r = 0; // below the smallest double
  } else {
    const ysq = 1 / (y * y);
    let num = ERF_P[5]! * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + ERF_P[i]!) * ysq;
      den = (den + ERF_Q[i]!) * ysq;
    }
    r = (ysq * (num + ERF_P[4]!)) / (den + ERF_Q[4]!);
    r = (expMinusSquare(y) * (SQRT1_PI - r)) / y;
  }
  return x < 0 ? 2 - r : r;
}

/** Standard normal CDF Φ(x) = erfc(−x/√2)/2; absolute error well under 1e-15. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// Lanczos approximation, g = 7, 9 terms (relative error ~1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.91893853320467274178;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const EPS = 1e-15;
const TINY = 1e-300;

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a): the power series for
 * P when x < a + 1, else a Lentz continued fraction for Q (Numerical Recipes §6.2).
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.max(0, 1 - sum * front);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front * h;
}

/** P(χ²_df ≥ x): the chi-square survival function, Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

// ---------------------------------------------------------------- proportions

function checkCounts(conversions: number, visitors: number): void {
  if (!Number.isInteger(visitors) || !Number.isInteger(conversions) || conversions < 0 || conversions > visitors) {
    throw new RangeError(`counts must be integers with 0 <= conversions <= visitors (got ${conversions}/${visitors})`);
  }
}

/**
 * Wilson score interval for a binomial proportion x/n:
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). Unlike p̂ ± z·SE it stays
 * inside [0, 1] and behaves at 0 or n conversions. n = 0 gives [0, 1].
 */
export function wilsonInterval(conversions: number, visitors: number, z = Z95): [number, number] {
  checkCounts(conversions, visitors);
  if (visitors === 0) return [0, 1];
  const n = visitors;
  const p = conversions / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Two-proportion z-test of B against A with the pooled standard error
 * √(p(1−p)(1/nA + 1/nB)), p = (xA + xB)/(nA + nB). Two-sided p-value
 * 2·(1 − Φ(|z|)). When the pooled rate is 0 or 1 there is no evidence: z = 0, p = 1.
 */
export function twoProportionZTest(convA: number, nA: number, convB: number, nB: number): { z: number; p: number } {
  checkCounts(convA, nA);
  checkCounts(convB, nB);
  if (nA === 0 || nB === 0) return { z: 0, p: 1 };
  const pooled = (convA + convB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = (convB / nB - convA / nA) / se;
  return { z, p: erfc(Math.abs(z) / Math.SQRT2) };
}

/**
 * Relative uplift pB/pA − 1 with a 95% interval by the delta method on the log
 * of the risk ratio (Katz): SE(ln RR) = √(1/xB − 1/nB + 1/xA − 1/nA), interval
 * exp(ln RR ± z·SE) − 1. Undefined (null) when either arm has no conversions.
 */
export function relativeUplift(
  convA: number,
  nA: number,
  convB: number,
  nB: number,
  z = Z95,
): { uplift: number; interval: [number, number] } | null {
  checkCounts(convA, nA);
  checkCounts(convB, nB);
  if (convA === 0 || convB === 0) return null;
  const logRatio = Math.log(convB / nB / (convA / nA));
  const se = Math.sqrt(1 / convB - 1 / nB + 1 / convA - 1 / nA);
  return {
    uplift: Math.exp(logRatio) - 1,
    interval: [Math.exp(logRatio - z * se) - 1, Math.exp(logRatio + z * se) - 1],
  };
}

/**
 * P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2) with integer a1 (Evan Miller's
 * closed form): Σ_{i=0}^{a1−1} B(a2+i, b1+b2) / ((b1+i)·B(1+i, b1)·B(a2, b2)).
 * Terms are built by their ratio (a2+i)(b1+i) / ((a2+b1+b2+i)(1+i)) in log space,
 * so a term too small for a double just adds nothing.
 */
function betaGreater(a1: number, b1: number, a2: number, b2: number): number {
  let logTerm = logBeta(a2, b1 + b2) - logBeta(a2, b2);
  let sum = 0;
  for (let i = 0; i < a1; i++) {
    sum += Math.exp(logTerm);
    logTerm += Math.log(((a2 + i) * (b1 + i)) / ((a2 + b1 + b2 + i) * (1 + i)));
  }
  return sum;
}

/**
 * Bayesian chance that B's true rate beats A's, each with a uniform prior:
 * pA ~ Beta(1 + xA, 1 + nA − xA), pB likewise; exact, by the closed form above.
 * Of the four equivalent forms (summing over αB, αA, βA or βB terms) the one
 * with the fewest terms is used, so the cost is O(min(conversions, non-conversions)).
 */
export function chanceToBeat(convA: number, nA: number, convB: number, nB: number): number {
  checkCounts(convA, nA);
  checkCounts(convB, nB);
  const aA = 1 + convA;
  const bA = 1 + nA - convA;
  const aB = 1 + convB;
  const bB = 1 + nB - convB;
  const fewest = Math.min(aA, aB, bA, bB);
  let p: number;
  if (fewest === aB) p = betaGreater(aB, bB, aA, bA);
  else if (fewest === aA) p = 1 - betaGreater(aA, bA, aB, bB);
  else if (fewest === bA) p = betaGreater(bA, aA, bB, aB); // P(1 − pA > 1 − pB)
  else p = 1 - betaGreater(bB, aB, bA, aA);
  return Math.min(1, Math.max(0, p));
}

// ---------------------------------------------------------------- sample ratio mismatch

/**
 * Pearson chi-square goodness of fit of the observed visitors per variant against
 * the configured weights (expected_i = N·w_i/Σw), k − 1 degrees of freedom over
 * the k variants with weight > 0. A zero-weight variant that got visitors is an
 * outright mismatch (chi2 = ∞, p = 0). `mismatch` when p < alpha (default 0.001).
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  alpha = 0.001,
): { chi2: number; p: number; mismatch: boolean } {
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < observed.length; i++) {
    total += observed[i]!;
    weightSum += Math.max(0, weights[i] ?? 0);
  }
  if (total === 0 || !(weightSum > 0)) return { chi2: 0, p: 1, mismatch: false };
  let chi2 = 0;
  let arms = 0;
  for (let i = 0; i < observed.length; i++) {
    const w = Math.max(0, weights[i] ?? 0);
    const o = observed[i]!;
    if (w === 0) {
      if (o > 0) return { chi2: Infinity, p: 0, mismatch: true };
      continue;
    }
    const e = (total * w) / weightSum;
    chi2 += ((o - e) * (o - e)) / e;
    arms++;
  }
  if (arms < 2) return { chi2: 0, p: 1, mismatch: false };
  const p = chiSquareSurvival(chi2, arms - 1);
  return { chi2, p, mismatch: p < alpha };
}

// ---------------------------------------------------------------- the report

export interface AnalyseOptions {
  /** Visitors every variant needs before a verdict (default 100). */
  minVisitors?: number;
  /** Conversions every variant needs before a verdict (default 10). */
  minConversions?: number;
  /** Family-wise significance level, split over the comparisons (Bonferroni; default 0.05). */
  alpha?: number;
  /** SRM threshold (default 0.001). */
  srmAlpha?: number;
}

export interface VariantResult {
  id: string;
  control: boolean;
  visitors: number;
  conversions: number;
  /** conversions / visitors (0 with no visitors). */
  rate: number;
  /** 95% Wilson interval of the rate. */
  interval: [number, number];
  /** Relative to control (null for the control itself, or when undefined). */
  uplift: number | null;
  upliftInterval: [number, number] | null;
  z: number | null;
  pValue: number | null;
  chanceToBeatControl: number | null;
  /** pValue below the Bonferroni-adjusted alpha. */
  significant: boolean;
}

export interface ExperimentAnalysis {
  control: string;
  variants: VariantResult[];
  srm: { chi2: number; p: number; mismatch: boolean };
  minSampleReached: boolean;
  /** The per-comparison significance level actually used (alpha / comparisons). */
  alpha: number;
  verdict: string;
}

/** p-value in plain words: two significant digits, three if two would round across the threshold. */
function formatP(p: number, threshold: number): string {
  if (p < 0.001) return 'p < 0.001';
  let shown = Number(p.toPrecision(2));
  if (p < threshold !== shown < threshold) shown = Number(p.toPrecision(3));
  return `p = ${shown}`;
}

const formatUplift = (u: number): string => `${u >= 0 ? '+' : '-'}${Math.abs(u * 100).toFixed(1)}%`;

function formatChance(c: number): string {
  if (c > 0.999) return '>99.9%';
  if (c < 0.001) return '<0.1%';
  return `${(c * 100).toFixed(1)}%`;
}

function describe(v: VariantResult, threshold: number): string {
  const parts = [];
  if (v.uplift !== null) parts.push(formatUplift(v.uplift));
  parts.push(formatP(v.pValue ?? 1, threshold));
  if (v.chanceToBeatControl !== null) parts.push(`${formatChance(v.chanceToBeatControl)} chance to beat control`);
  return parts.join(', ');
}

/**
 * Everything the dashboard shows for one experiment, with a verdict in plain
 * words. The verdict refuses to name a winner before every variant has the
 * minimum sample, and is replaced by a warning on sample ratio mismatch. With
 * more than one challenger each is tested at alpha / (variants − 1).
 */
export function analyseExperiment(
  exp: Pick<Experiment, 'variants'>,
  counts: readonly { variant: string; visitors: number; conversions: number }[],
  opts: AnalyseOptions = {},
): ExperimentAnalysis {
  const minVisitors = opts.minVisitors ?? 100;
  const minConversions = opts.minConversions ?? 10;
  const alphaFamily = opts.alpha ?? 0.05;
  const srmAlpha = opts.srmAlpha ?? 0.001;

  const controlId = (exp.variants.find((v) => v.control) ?? exp.variants[0]!).id;
  const totals = new Map(exp.variants.map((v) => [v.id, { visitors: 0, conversions: 0 }]));
  for (const c of counts) {
    const t = totals.get(c.variant);
    if (!t) continue; // a variant no longer in the config
    checkCounts(c.conversions, c.visitors);
    t.visitors += c.visitors;
    t.conversions += c.conversions;
  }
  const control = totals.get(controlId)!;
  const comparisons = Math.max(1, exp.variants.length - 1);
  const alpha = alphaFamily / comparisons;

  const variants: VariantResult[] = exp.variants.map((v) => {
    const { visitors, conversions } = totals.get(v.id)!;
    const base = {
      id: v.id,
      control: v.id === controlId,
      visitors,
      conversions,
      rate: visitors > 0 ? conversions / visitors : 0,
      interval: wilsonInterval(conversions, visitors),
    };
    if (v.id === controlId) {
      return { ...base, uplift: null, upliftInterval: null, z: null, pValue: null, chanceToBeatControl: null, significant: false };
    }
    const test = twoProportionZTest(control.conversions, control.visitors, conversions, visitors);
    const uplift = relativeUplift(control.conversions, control.visitors, conversions, visitors);
    return {
      ...base,
      uplift: uplift?.uplift ?? null,
      upliftInterval: uplift?.interval ?? null,
      z: test.z,
      pValue: test.p,
      chanceToBeatControl: chanceToBeat(control.conversions, control.visitors, conversions, visitors),
      significant: test.p < alpha,
    };
  });

  const srm = sampleRatioMismatch(
    exp.variants.map((v) => totals.get(v.id)!.visitors),
    exp.variants.map((v) => v.weight),
    srmAlpha,
  );
  const fewestVisitors = Math.min(...variants.map((v) => v.visitors));
  const fewestConversions = Math.min(...variants.map((v) => v.conversions));
  const minSampleReached = fewestVisitors >= minVisitors && fewestConversions >= minConversions;

  let verdict: string;
  const challengers = variants.filter((v) => !v.control);
  const best = (list: VariantResult[], sign: 1 | -1) => list.reduce((a, b) => (sign * (b.rate - a.rate) > 0 ? b : a));
  const controlRate = variants.find((v) => v.control)!.rate;
  const winners = challengers.filter((v) => v.significant && v.rate > controlRate);
  const losers = challengers.filter((v) => v.significant && v.rate < controlRate);
  if (srm.mismatch) {
    verdict = `Warning: sample ratio mismatch (${formatP(srm.p, srmAlpha)}): assignment may be broken; do not trust these results.`;
  } else if (fewestVisitors < minVisitors) {
    verdict = `Not enough data yet: ${fewestVisitors} of ${minVisitors} visitors needed per variant.`;
  } else if (!minSampleReached) {
    verdict = `Not enough data yet: ${fewestConversions} of ${minConversions} conversions needed per variant.`;
  } else if (winners.length > 0) {
    const w = best(winners, 1);
    verdict = `Variant ${w.id} is ahead (${describe(w, alpha)}).`;
  } else if (losers.length > 0) {
    const l = best(losers, -1);
    verdict = `Control is ahead: variant ${l.id} is worse (${describe(l, alpha)}).`;
  } else {
    const lowest = Math.min(...challengers.map((v) => v.pValue ?? 1));
    verdict =
      comparisons > 1
        ? `No significant difference yet (lowest ${formatP(lowest, alpha)}; below ${Number(alpha.toPrecision(3))} needed with ${comparisons} comparisons).`
        : `No significant difference yet (${formatP(lowest, alpha)}).`;
  }
  return { control: controlId, variants, srm, minSampleReached, alpha, verdict };
}
