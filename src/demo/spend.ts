// Daily ad spend rows per paid channel × campaign (× keyword for paid search). The channel's
// daily spend is the media plan's (media.ts); it is split over the channel's campaigns and
// keywords by the clicks each got that day. Clicks are the tracked paid landings of the
// simulation plus a share that never loads a tracked page; impressions follow each campaign's CTR.

import { Rng, seedOf } from './rng.ts';
import { PARAMS } from './params.ts';
import { DAY, isoDate, type Schedule } from './schedule.ts';
import type { Tally } from './tally.ts';
import { MEDIA_INDEX } from './outcome.ts';
import { spendKeys } from './world.ts';
// The import format's row: what the demo writes is exactly what `waymark import spend` reads.
import type { SpendRow } from '../import/spend.ts';

export function* spendRowsFrom(s: Schedule, tally: Tally): Generator<SpendRow> {
  const keys = spendKeys();
  const [lo, hi] = PARAMS.untrackedClickShare;
  for (let d = 0; d < s.days; d++) {
    const date = isoDate(s.start + d * DAY);
    const clicks: number[] = [];
    for (let k = 0; k < keys.length; k++) {
      const r = new Rng(seedOf(s.seed, 0x5be4d, d, k));
      const tracked = tally.paid.get(keys[k]!.key)![d]!;
      const share = lo + (hi - lo) * r.next();
      const mean = (tracked * share) / (1 - share);
      // Poisson keeps the expected share right even on days with one or two clicks.
      const extra = mean > 50 ? Math.max(0, Math.round(mean + Math.sqrt(mean) * r.normal())) : r.poisson(mean);
      clicks.push(tracked + extra);
    }
    // Each channel's spend that day, split by clicks (+ the campaign's weight, so a day without
    // clicks still carries its share of the budget).
    const weightSum = new Map<string, number>();
    const weights = keys.map((k, i) => clicks[i]! + k.campaign.weight / k.campaign.keywords.length);
    keys.forEach((k, i) => weightSum.set(k.channel, (weightSum.get(k.channel) ?? 0) + weights[i]!));
    for (let k = 0; k < keys.length; k++) {
      const { channel, campaign, keyword } = keys[k]!;
      const media = s.media[MEDIA_INDEX.get(channel)!]!;
      const usd = (media.spend[d]! * weights[k]!) / weightSum.get(channel)!;
      const cost = Math.round((campaign.currency === 'EUR' ? usd / PARAMS.eurUsd : usd) * 100) / 100;
      const r = new Rng(seedOf(s.seed, 0x1a9, d, k));
      // +1 keeps impressions on days without a click while the ads ran; none on dark days.
      const impressions = media.spend[d]! > 0 ? Math.round(((clicks[k]! + 1) / campaign.ctr) * (0.8 + 0.4 * r.next())) : 0;
      yield { date, channel, campaign: campaign.name, keyword, cost, currency: campaign.currency, impressions, clicks: clicks[k]! };
    }
  }
}

/** Cost in USD, converting EUR-billed rows at the fixed rate the ground truth lists. */
export function costUsd(row: SpendRow): number {
  return row.currency === 'EUR' ? row.cost * PARAMS.eurUsd : row.cost;
}
