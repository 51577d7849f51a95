/**
 * Traits merge per key: a later identify updates the keys it sends and keeps the rest, so the
 * persons view holds each key's latest value. On the demo, every customer who ever declared a
 * region and persona still has them.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { join } from 'node:path';
import { generateDemo } from '../../src/demo/generator.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

let n = 0;
const identify = (userId: string, ts: string, traits: object) => ({
  type: 'identify',
  messageId: `t${n++}`,
  userId,
  timestamp: ts,
  traits,
});

describeEachStore('person traits merged per key', (ctx) => {
  const traitsOf = async (project: string) => {
    const q = new QueryBuilder(ctx.store.dialect);
    const rows = await ctx.store.query(
      q.build(`SELECT user_id, traits FROM persons WHERE project_id = ${q.str(project)} ORDER BY user_id`),
    );
    return Object.fromEntries(rows.map((r) => [String(r.user_id), JSON.parse(String(r.traits)) as Record<string, unknown>]));
  };

  before(async () => {
    await ingest(ctx.store, 'traits', [
      identify('u1', '2026-04-01T10:00:00Z', { email: 'ann@example.com', region: 'North', persona: 'Outdoor', age: 31 }),
      // Later: only the email changes; region, persona and age stay.
      identify('u1', '2026-04-02T10:00:00Z', { email: 'ann@new.example.com' }),
      // Later again: region moves, a new key arrives.
      identify('u1', '2026-04-03T10:00:00Z', { region: 'South', plan: { tier: 'gold' } }),
      // An identify that arrives late but is older does not overwrite newer values.
      identify('u1', '2026-03-01T10:00:00Z', { region: 'West', nickname: 'annie' }),
      identify('u2', '2026-04-01T10:00:00Z', {}),
    ]);
  });

  it('keeps every key at its latest value', async () => {
    const t = await traitsOf('traits');
    assert.deepEqual(t.u1, {
      email: 'ann@new.example.com',
      region: 'South',
      persona: 'Outdoor',
      age: 31,
      plan: { tier: 'gold' },
      nickname: 'annie',
    });
    assert.deepEqual(t.u2, {});
  });

  it('keeps the region and persona of every demo customer who declared them', async () => {
    const demo = generateDemo({ seed: 3, customers: 600, days: 60, endDate: '2026-10-31' });
    const declared = new Map<string, Set<string>>();
    for (const m of demo.messages()) {
      if (m.type !== 'identify' || !m.userId) continue;
      const keys = declared.get(m.userId) ?? new Set<string>();
      for (const k of Object.keys((m as { traits?: object }).traits ?? {})) keys.add(k);
      declared.set(m.userId, keys);
    }
    await importMessages(ctx.store, 'demo', demo.messages(), { workDir: join(tempDir(), 'work') });
    const t = await traitsOf('demo');
    const withRegion = [...declared.entries()].filter(([, k]) => k.has('region')).map(([u]) => u);
    const withPersona = [...declared.entries()].filter(([, k]) => k.has('persona')).map(([u]) => u);
    const keptRegion = withRegion.filter((u) => typeof t[u]?.region === 'string' && t[u]!.region !== '').length;
    const keptPersona = withPersona.filter((u) => typeof t[u]?.persona === 'string' && t[u]!.persona !== '').length;
    console.log(
      `demo traits: region kept ${keptRegion}/${withRegion.length}, persona kept ${keptPersona}/${withPersona.length}, identified ${declared.size}`,
    );
    assert.ok(withRegion.length > 0);
    assert.equal(keptRegion, withRegion.length);
    assert.equal(keptPersona, withPersona.length);
  });
});
