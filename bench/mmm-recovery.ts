/**
 * Parameter recovery of the MMM on simulated data with known truth, over many seeds (the
 * approach of PyMC Labs' public MMM benchmark): decays, saturations, ROIs and noise levels are
 * drawn per seed; one channel of each world has no effect. Reports the coverage of the true ROI
 * by the 90% intervals (target 85–95%), the rank correlation of ROI means with the truth, the
 * contributions' error, and whether each zero-effect interval includes 0.
 *
 *   node --import tsx bench/mmm-recovery.ts [--seeds 20] [--days 365] [--channels 5]
 */
import { fitMmm, summarize } from '../src/mmm/fit.ts';
import { simulateMmm } from '../src/mmm/simulate.ts';

export interface RecoveryResult {
  seeds: number;
  intervals: number;
  coverage: number;
  meanSpearman: number;
  /** Mean over channels of |estimated − true contribution| / Σ true |contribution| of the world. */
  contributionError: number;
  zeroEffectIncludesZero: number;
  converged: number;
  meanFitSeconds: number;
}

export function spearman(a: number[], b: number[]): number {
  const rank = (x: number[]) => {
    const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    order.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const m = (n - 1) / 2;
  let num = 0,
    da = 0,
    db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - m) * (rb[i]! - m);
    da += (ra[i]! - m) ** 2;
    db += (rb[i]! - m) ** 2;
  }
  return num / Math.sqrt(da * db);
}

export async function recoveryStudy(
  options: {
    seeds: number[];
    days: number;
    channels: number;
    controls?: number;
    sampler?: { chains?: number; warmup?: number; draws?: number };
  },
  log?: (line: string) => void,
): Promise<RecoveryResult> {
  let inside = 0,
    total = 0,
    rhoSum = 0,
    errSum = 0,
    zeroOk = 0,
    zeroN = 0,
    converged = 0,
    seconds = 0;
  for (const seed of options.seeds) {
    const sim = simulateMmm({
      seed,
      days: options.days,
      channels: options.channels,
      controls: options.controls ?? 2,
      zeroEffect: [options.channels - 1],
    });
    const t0 = performance.now();
    const fit = await fitMmm(sim.series, { sampler: { ...options.sampler, seed } });
    seconds += (performance.now() - t0) / 1000;
    if (fit.diagnostics.converged) converged++;
    const est: number[] = [];
    const tru: number[] = [];
    let absErr = 0;
    let scale = 0;
    const cells: string[] = [];
    fit.channels.forEach((cd, c) => {
      const t = sim.truth.channels[c]!;
      const s = summarize(cd.roi, 0.9);
      const ok = t.roi >= s.lo && t.roi <= s.hi;
      if (ok) inside++;
      total++;
      est.push(s.mean);
      tru.push(t.roi);
      absErr += Math.abs(s.mean * cd.spendTotal - t.contribution);
      scale += Math.abs(t.contribution);
      if (t.roi === 0) {
        zeroN++;
        if (s.lo <= 0 && s.hi >= 0) zeroOk++;
      }
      cells.push(`${t.roi.toFixed(2)}→${s.mean.toFixed(2)}[${s.lo.toFixed(2)},${s.hi.toFixed(2)}]${ok ? '' : '✗'}`);
    });
    const rho = spearman(
      est.slice(0, -1),
      tru.slice(0, -1).map((v, i) => v + i * 1e-12),
    );
    rhoSum += rho;
    errSum += absErr / scale;
    log?.(
      `seed ${seed}: rhat ${fit.diagnostics.maxRhat.toFixed(3)} ess ${fit.diagnostics.minEss.toFixed(0)} div ${fit.diagnostics.divergences} ρ ${rho.toFixed(2)} | ${cells.join(' ')}`,
    );
  }
  const n = options.seeds.length;
  return {
    seeds: n,
    intervals: total,
    coverage: inside / total,
    meanSpearman: rhoSum / n,
    contributionError: errSum / n,
    zeroEffectIncludesZero: zeroOk / Math.max(1, zeroN),
    converged: converged / n,
    meanFitSeconds: seconds / n,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const seeds = Array.from({ length: arg('seeds', 20) }, (_, i) => 100 + i);
  const result = await recoveryStudy({ seeds, days: arg('days', 365), channels: arg('channels', 5) }, (l) =>
    process.stdout.write(l + '\n'),
  );
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
