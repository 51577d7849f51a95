// Daily ad spend per paid channel × campaign (× keyword for paid search). Clicks are the tracked
// paid landings of the simulation plus a share that never loads a tracked page, so cost per
// tracked visit is consistent with the journeys; impressions follow each campaign's CTR.

import { Rng, seedOf } from './rng.ts';
import { PARAMS } from './params.ts';
import { DAY, isoDate, type Schedule } from './schedule.ts';
import type { Tally } from './tally.ts';
import { spendKeys } from './world.ts';
// The import format's row: what the demo writes is exactly what `waymark import spend` reads.
import type { SpendRow } from '../import/spend.ts';

export function* spendRowsFrom(s: Schedule, tally: Tally): Generator<SpendRow> {
  const keys = spendKeys();
  const [lo, hi] = PARAMS.untrackedClickShare;
  for (let d = 0; d < s.days; d++) {
    const date = isoDate(s.start + d * DAY);
    for (let k = 0; k < keys.length; k++) {
      const { key, channel, campaign, keyword } = keys[k]!;
      const r = new Rng(seedOf(s.seed, 0x5be4d, d, k));
      const tracked = tally.paid.get(key)![d]!;
      const share = lo + (hi - lo) * r.next();
      const mean = (tracked * share) / (1 - share);
      // Poisson keeps the expected share right even on days with one or two clicks.
      const extra = mean > 50 ? Math.max(0, Math.round(mean + Math.sqrt(mean) * r.normal())) : r.poisson(mean);
      const clicks = tracked + extra;
      const cost = Math.round(clicks * campaign.cpc * (0.85 + 0.3 * r.next()) * 100) / 100;
      // +1 keeps impressions on days without a click: the ads still ran.
      const impressions = Math.round(((clicks + 1) / campaign.ctr) * (0.8 + 0.4 * r.next()));
      yield { date, channel, campaign: campaign.name, keyword, cost, currency: campaign.currency, impressions, clicks };
    }
  }
}

/** Cost in USD, converting EUR-billed rows at the fixed rate the ground truth lists. */
export function costUsd(row: SpendRow): number {
  return row.currency === 'EUR' ? row.cost * PARAMS.eurUsd : row.cost;
}
