import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitSeasonal, type SeriesPoint } from '../../src/anomalies/model.ts';
import { mulberry32, normal } from '../../src/stats/random.ts';

const DAY = 86_400_000;

/** Two years of daily orders with weekly and yearly seasonality, holidays, a level shift, and planted anomalies. */
function generate(seed: number) {
  const rng = mulberry32(seed);
  const start = Date.parse('2024-01-01T00:00:00Z');
  const weekly = [0.8, 1.1, 1.05, 1.0, 1.0, 1.15, 0.9];
  const planted = new Set<number>();
  while (planted.size < 20) planted.add(40 + Math.floor(rng() * 680));
  const series: SeriesPoint[] = [];
  for (let i = 0; i < 730; i++) {
    const t = start + i * DAY;
    const date = new Date(t).toISOString().slice(0, 10);
    const dow = new Date(t).getUTCDay();
    const yearly = 1 + 0.3 * Math.sin((2 * Math.PI * i) / 365.25) + 0.1 * Math.cos((4 * Math.PI * i) / 365.25);
    const shift = i >= 500 ? 1.25 : 1; // a lasting level shift (a new channel), not an anomaly
    const holiday = date.endsWith('-12-25') ? 0.3 : 1;
    let mean = 200 * weekly[dow]! * yearly * shift * holiday;
    if (planted.has(i)) mean *= rng() < 0.5 ? 1.2 : 0.82; // ±20%: about four noise standard deviations
    series.push({ date, value: Math.max(0, Math.round(mean * Math.exp(0.05 * normal(rng)))) });
  }
  return { series, planted };
}

describe('seasonal anomaly bands', () => {
  it('finds planted anomalies in a weekly+yearly series: recall at a 1% false-alarm rate', () => {
    let found = 0;
    let total = 0;
    let falseAlarmsAtDefault = 0;
    let cleanDays = 0;
    let foundAtDefault = 0;
    for (const seed of [1, 2, 3]) {
      const { series, planted } = generate(seed);
      const fit = fitSeasonal(series);
      assert.equal(fit.components.yearly, true);
      assert.equal(fit.components.weekly, true);
      assert.ok(fit.components.holidays.includes('Christmas Day'));
      assert.ok(
        fit.components.levelShifts.some((d) => Math.abs(Date.parse(d) - Date.parse('2025-05-15')) <= 3 * DAY),
        JSON.stringify(fit.components.levelShifts),
      );
      const clean = fit.points
        .filter((_p, i) => !planted.has(i))
        .map((p) => Math.abs(p.z))
        .sort((a, b) => b - a);
      const threshold = clean[Math.floor(clean.length * 0.01)]!; // 1% of clean days score above it
      for (const i of planted) {
        total++;
        if (Math.abs(fit.points[i]!.z) > threshold) found++;
        if (fit.points[i]!.anomaly) foundAtDefault++;
      }
      falseAlarmsAtDefault += fit.points.filter((p, i) => p.anomaly && !planted.has(i)).length;
      cleanDays += clean.length;
    }
    const recall = found / total;
    console.log(
      `anomalies: recall ${recall.toFixed(3)} at 1% false-alarm rate (${found}/${total}); default |z|>3: recall ${(foundAtDefault / total).toFixed(3)}, false-alarm rate ${(falseAlarmsAtDefault / cleanDays).toFixed(4)}`,
    );
    assert.ok(recall >= 0.75, `recall ${recall}`);
    assert.ok(falseAlarmsAtDefault / cleanDays < 0.02);
  });

  it('gives each point its size and probability, with the holiday named', () => {
    const { series } = generate(4);
    const fit = fitSeasonal(series);
    const christmas = fit.points.find((p) => p.date === '2024-12-25')!;
    assert.equal(christmas.holiday, 'Christmas Day');
    assert.equal(christmas.anomaly, false, 'an expected holiday dip is not an anomaly');
    for (const p of fit.points) {
      assert.ok(p.probability >= 0 && p.probability <= 1);
      assert.ok(p.lower <= p.expected && p.expected <= p.upper);
    }
  });
});
