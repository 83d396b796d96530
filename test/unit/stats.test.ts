/**
 * Reference values were computed independently with Python's standard library
 * (math.erfc, math.lgamma, fractions.Fraction for exact Beta sums, closed-form
 * chi-square tails), not with the code under test.
 */
import { describe, expect, it } from 'vitest';
import { experimentSchema, type Experiment } from '../../edge/schema.ts';
import {
  analyseExperiment,
  chanceToBeat,
  chiSquareSurvival,
  erfc,
  gammaQ,
  logGamma,
  normalCdf,
  relativeUplift,
  sampleRatioMismatch,
  twoProportionZTest,
  wilsonInterval,
} from '../../edge/stats.ts';

describe('normal CDF and erfc', () => {
  it('matches textbook values to 1e-7 and better', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300957, 14);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(0.5)).toBeCloseTo(0.6914624612740131, 14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
  });

  it('keeps relative accuracy far in the tails', () => {
    // Φ(−8) = 6.220960574271819e-16 (Python: 0.5*erfc(8/√2))
    expect(Math.abs(normalCdf(-8) / 6.220960574271819e-16 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(erfc(5) / 1.5374597944280351e-12 - 1)).toBeLessThan(1e-12);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 14);
    expect(erfc(0.3)).toBeCloseTo(0.6713732405408726, 14);
    expect(erfc(30)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('is monotone across the branch boundaries of the rational approximations', () => {
    let prev = -Infinity;
    for (let x = -6; x <= 6; x += 0.001) {
      const v = normalCdf(x);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });
});

describe('log-gamma and the chi-square distribution', () => {
  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(1234.5)).toBeCloseTo(7550.550901077896, 9); // Python math.lgamma
  });

  it('chi-square survival matches the closed forms', () => {
    expect(chiSquareSurvival(3.841, 1)).toBeCloseTo(0.05001368376395671, 12);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 13);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 13);
    expect(chiSquareSurvival(7.814727903251178, 3)).toBeCloseTo(0.05, 13);
    expect(chiSquareSurvival(10, 4)).toBeCloseTo(0.0404276819945128, 13); // e^{-5}(1 + 5)
    expect(chiSquareSurvival(1, 7)).toBeCloseTo(0.9948285365165154, 13);
    expect(Math.abs(chiSquareSurvival(100, 1) / 1.5239706048320995e-23 - 1)).toBeLessThan(1e-10);
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 14);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});

describe('proportions', () => {
  it('Wilson interval for 10/100 is [0.05522, 0.17437]', () => {
    const [lo, hi] = wilsonInterval(10, 100);
    expect(lo).toBeCloseTo(0.0552291370606751, 12);
    expect(hi).toBeCloseTo(0.17436566150491345, 12);
  });

  it('Wilson interval behaves at the edges', () => {
    expect(wilsonInterval(0, 50)[0]).toBe(0);
    expect(wilsonInterval(0, 50)[1]).toBeCloseTo(0.07134759913335872, 12);
    expect(wilsonInterval(50, 50)[0]).toBeCloseTo(0.9286524008666414, 12);
    expect(wilsonInterval(50, 50)[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('two-proportion z-test, 200/1000 vs 250/1000 (pooled)', () => {
    // Pooled p = 0.225, SE = √(0.225·0.775·0.002) = 0.018675, z = 0.05/SE.
    const { z, p } = twoProportionZTest(200, 1000, 250, 1000);
    expect(z).toBeCloseTo(2.677397763008329, 10);
    expect(p).toBeCloseTo(0.007419649261025693, 12);
    expect(twoProportionZTest(250, 1000, 200, 1000).z).toBeCloseTo(-2.677397763008329, 10);
    expect(twoProportionZTest(0, 100, 0, 100)).toEqual({ z: 0, p: 1 });
  });

  it('relative uplift with a log risk-ratio interval', () => {
    // RR = 1.25, SE(ln RR) = √(1/250 − 1/1000 + 1/200 − 1/1000) = √0.007.
    const r = relativeUplift(200, 1000, 250, 1000)!;
    expect(r.uplift).toBeCloseTo(0.25, 12);
    expect(r.interval[0]).toBeCloseTo(0.06094625083756311, 12);
    expect(r.interval[1]).toBeCloseTo(0.47274190258600335, 12);
    expect(relativeUplift(0, 100, 5, 100)).toBeNull();
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => twoProportionZTest(-1, 10, 1, 10)).toThrow(RangeError);
  });
});

/**
 * P(B > A) by a different method: trapezoid integration of f_B(x)·F_A(x) on a
 * fine grid, with both densities normalised numerically (no log-gamma).
 */
function chanceToBeatNumerically(convA: number, nA: number, convB: number, nB: number, steps = 100_000): number {
  const density = (a: number, b: number) => {
    const f = new Float64Array(steps + 1);
    for (let i = 1; i < steps; i++) {
      const x = i / steps;
      f[i] = Math.exp(a * Math.log(x) + b * Math.log(1 - x));
    }
    f[0] = a === 0 ? 1 : 0;
    f[steps] = b === 0 ? 1 : 0;
    let area = 0;
    for (let i = 0; i < steps; i++) area += (f[i]! + f[i + 1]!) / 2 / steps;
    return f.map((v) => v / area);
  };
  const fa = density(convA, nA - convA);
  const fb = density(convB, nB - convB);
  let cdfA = 0;
  let total = 0;
  for (let i = 0; i < steps; i++) {
    const next = cdfA + (fa[i]! + fa[i + 1]!) / 2 / steps;
    total += (fb[i]! * cdfA + fb[i + 1]! * next) / 2 / steps;
    cdfA = next;
  }
  return total;
}

describe('chance to beat control', () => {
  it('Beta(1+10, 1+90) vs Beta(1+20, 1+80): exact value 0.9751730331528746', () => {
    // Reference: the closed-form sum evaluated in exact rational arithmetic (Python Fraction),
    // confirmed by a 200,000-point numeric integration (0.975173033).
    expect(chanceToBeat(10, 100, 20, 100)).toBeCloseTo(0.9751730331528746, 12);
    expect(chanceToBeatNumerically(10, 100, 20, 100)).toBeCloseTo(0.9751730331528746, 5);
  });

  it('matches exact values and symmetry', () => {
    expect(chanceToBeat(200, 1000, 250, 1000)).toBeCloseTo(0.9962833291304403, 12);
    expect(chanceToBeat(0, 10, 1, 10)).toBeCloseTo(16 / 21, 12); // exact rational
    expect(chanceToBeat(5, 50, 5, 50)).toBeCloseTo(0.5, 12);
    expect(chanceToBeat(90, 100, 80, 100)).toBeCloseTo(0.024826966847125386, 12);
    expect(chanceToBeat(40, 60, 35, 60)).toBeCloseTo(0.1751814254633763, 12);
    expect(chanceToBeat(20, 100, 10, 100)).toBeCloseTo(1 - 0.9751730331528746, 12);
  });

  it('agrees with numeric integration whichever closed form is picked (to 1e-3 and better)', () => {
    const cases: [number, number, number, number][] = [
      [3, 20, 15, 30], // fewest terms: conversions of A
      [2, 40, 1, 40], // conversions of B
      [18, 20, 19, 25], // non-conversions of A
      [28, 30, 27, 30], // non-conversions of B
      [0, 0, 0, 0],
    ];
    for (const [xa, na, xb, nb] of cases) {
      expect(Math.abs(chanceToBeat(xa, na, xb, nb) - chanceToBeatNumerically(xa, na, xb, nb))).toBeLessThan(1e-4);
    }
  });

  it('is cheap and stable for large samples', () => {
    const p = chanceToBeat(50_000, 1_000_000, 50_500, 1_000_000);
    // Normal approximation of the two posteriors gives ≈ 0.948.
    const se = Math.sqrt((0.05 * 0.95) / 1e6 + (0.0505 * 0.9495) / 1e6);
    expect(p).toBeCloseTo(normalCdf(0.0005 / se), 3);
  });
});

describe('sample ratio mismatch', () => {
  it('5,000 vs 5,500 at 50/50: chi2 = 23.81, p ≈ 1.06e-6, mismatch', () => {
    const srm = sampleRatioMismatch([5000, 5500], [0.5, 0.5]);
    expect(srm.chi2).toBeCloseTo(23.80952380952381, 10);
    expect(Math.abs(srm.p / 1.0635492679527373e-6 - 1)).toBeLessThan(1e-9);
    expect(srm.mismatch).toBe(true);
  });

  it('accepts a split that matches its weights, and checks three arms with 2 dof', () => {
    expect(sampleRatioMismatch([1020, 8980], [0.1, 0.9]).mismatch).toBe(false);
    const three = sampleRatioMismatch([1000, 1000, 1100], [1, 1, 1]);
    expect(three.chi2).toBeCloseTo(6.451612903225806, 10);
    expect(three.p).toBeCloseTo(Math.exp(-6.451612903225806 / 2), 12);
    expect(three.mismatch).toBe(false);
  });

  it('flags visitors in a zero-weight arm and ignores empty data', () => {
    expect(sampleRatioMismatch([500, 500, 3], [0.5, 0.5, 0])).toEqual({ chi2: Infinity, p: 0, mismatch: true });
    expect(sampleRatioMismatch([500, 480, 0], [0.5, 0.5, 0]).mismatch).toBe(false);
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toEqual({ chi2: 0, p: 1, mismatch: false });
  });
});

describe('analyseExperiment', () => {
  const exp: Experiment = experimentSchema.parse({
    id: 'hero-test',
    name: 'Hero test',
    slot: 'hero',
    status: 'running',
    variants: [
      { id: 'a', weight: 0.5, html: '', control: true },
      { id: 'b', weight: 0.5, html: '' },
    ],
    goals: { primary: 'purchase' },
  });
  const counts = (a: [number, number], b: [number, number]) => [
    { variant: 'a', visitors: a[0], conversions: a[1] },
    { variant: 'b', visitors: b[0], conversions: b[1] },
  ];

  it('calls a winner with uplift, p-value and chance to beat control', () => {
    const r = analyseExperiment(exp, counts([1000, 200], [1000, 250]));
    expect(r.minSampleReached).toBe(true);
    expect(r.control).toBe('a');
    expect(r.verdict).toBe('Variant b is ahead (+25.0%, p = 0.0074, 99.6% chance to beat control).');
    const b = r.variants.find((v) => v.id === 'b')!;
    expect(b.rate).toBe(0.25);
    expect(b.pValue).toBeCloseTo(0.007419649261025693, 12);
    expect(b.uplift).toBeCloseTo(0.25, 12);
    expect(b.significant).toBe(true);
    expect(r.variants[0]).toMatchObject({ id: 'a', control: true, uplift: null, pValue: null, chanceToBeatControl: null });
  });

  it('says so when the control is ahead', () => {
    const r = analyseExperiment(exp, counts([1000, 200], [1000, 160]));
    expect(r.verdict).toBe('Control is ahead: variant b is worse (-20.0%, p = 0.02, 1.0% chance to beat control).');
  });

  it('reports no significant difference', () => {
    expect(analyseExperiment(exp, counts([1000, 100], [1000, 105])).verdict).toBe('No significant difference yet (p = 0.71).');
  });

  it('refuses a verdict before the minimum sample, even when p is small', () => {
    expect(analyseExperiment(exp, counts([42, 5], [60, 9])).verdict).toBe('Not enough data yet: 42 of 100 visitors needed per variant.');
    // 3/150 vs 15/150 has p = 0.0035 but only 3 conversions in the control.
    const r = analyseExperiment(exp, counts([150, 3], [150, 15]));
    expect(r.variants[1]!.pValue).toBeLessThan(0.005);
    expect(r.minSampleReached).toBe(false);
    expect(r.verdict).toBe('Not enough data yet: 3 of 10 conversions needed per variant.');
    // The gate is configurable.
    expect(analyseExperiment(exp, counts([150, 3], [150, 15]), { minConversions: 3 }).verdict).toMatch(/^Variant b is ahead/);
    expect(analyseExperiment(exp, counts([1000, 200], [1000, 250]), { minVisitors: 2000 }).verdict).toBe(
      'Not enough data yet: 1000 of 2000 visitors needed per variant.',
    );
  });

  it('warns on sample ratio mismatch instead of calling a winner', () => {
    const r = analyseExperiment(exp, counts([5000, 500], [5500, 700]));
    expect(r.srm.mismatch).toBe(true);
    expect(r.verdict).toBe('Warning: sample ratio mismatch (p < 0.001): assignment may be broken; do not trust these results.');
  });

  it('splits alpha over several challengers (Bonferroni)', () => {
    const three = experimentSchema.parse({
      ...exp,
      variants: [
        { id: 'a', weight: 1, html: '', control: true },
        { id: 'b', weight: 1, html: '' },
        { id: 'c', weight: 1, html: '' },
      ],
    });
    const data = (c: number) => [
      { variant: 'a', visitors: 1000, conversions: 100 },
      { variant: 'b', visitors: 1000, conversions: 105 },
      { variant: 'c', visitors: 1000, conversions: c },
    ];
    // 100 vs 130 of 1000: p = 0.035, significant alone but not at 0.05 / 2.
    const r = analyseExperiment(three, data(130));
    expect(r.alpha).toBe(0.025);
    expect(r.verdict).toBe('No significant difference yet (lowest p = 0.035; below 0.025 needed with 2 comparisons).');
    // 100 vs 135: p = 0.015 < 0.025.
    expect(analyseExperiment(three, data(135)).verdict).toBe('Variant c is ahead (+35.0%, p = 0.015, 99.2% chance to beat control).');
  });

  it('uses the first variant as control when none is marked, sums duplicate rows and ignores removed variants', () => {
    const unmarked = { variants: exp.variants.map((v) => ({ ...v, control: undefined })) };
    const r = analyseExperiment(unmarked, [
      { variant: 'a', visitors: 600, conversions: 100 },
      { variant: 'a', visitors: 400, conversions: 100 },
      { variant: 'b', visitors: 1000, conversions: 250 },
      { variant: 'gone', visitors: 5000, conversions: 10 },
    ]);
    expect(r.control).toBe('a');
    expect(r.variants[0]).toMatchObject({ visitors: 1000, conversions: 200 });
    expect(r.srm.mismatch).toBe(false);
  });
});
