import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CAMPAIGNS, KIND_CHANNEL } from '../../src/demo/world.ts';
import { resolveTrafficSource } from '../../src/ingestion/enrich/traffic-source.ts';

it('every demo campaign lands in the channel its ground truth names, under the same rules as ingestion', () => {
  const mismatches = CAMPAIGNS.map((c) => {
    const url = `https://shop.example.com/?utm_source=${c.source}&utm_medium=${c.medium}&utm_campaign=${c.name}`;
    return { campaign: c.name, truth: KIND_CHANNEL[c.kind], ingested: resolveTrafficSource({ url }).channel };
  }).filter((m) => m.truth !== m.ingested);
  assert.deepEqual(mismatches, []);
});
