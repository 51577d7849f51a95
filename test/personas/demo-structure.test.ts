/**
 * Discovered personas against the demo generator's persona labels. The generator's personas differ
 * in what they shop (a favourite category takes 60% of their category draws) and on what (the kind
 * of their main device), besides base purchase intent and their response to the welcome offer;
 * discovery sees none of that directly, only the events. A person who never viewed a product shows
 * no taste and is left unclustered.
 *
 * The floor: ARI ≥ 0.5. Chance gives 0; a person's category mix is a noisy sample of their taste
 * (a favourite share of about 0.7 from a dozen views, and 40% of draws uniform), two personas share a
 * device kind at most partly, and the buyers (8% of persons) are a real group of their own, so a
 * perfect 1 is not reachable; 0.5 means most pairs of persons are put together or apart as the
 * generator made them.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { generateDemo } from '../../src/demo/generator.ts';
import { discoverInputSchema, discoverPersonas, type DiscoverResult } from '../../src/personas/discover.ts';
import { adjustedRandIndex } from '../../src/personas/kmeans.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const demo = generateDemo({ seed: 14, customers: 2000, days: 365, endDate: '2026-10-31' });
const messages = [...demo.messages()];
const truth = demo.groundTruth();
const personaOf = new Map<string, string>();
for (const p of truth.persons) {
  personaOf.set(p.user_id, p.persona);
  for (const a of p.anonymous_ids) if (!p.identified) personaOf.set(a, p.persona);
}

/** Per discovered persona: its commonest generator persona and that persona's share of it (purity). */
function purity(result: DiscoverResult): Array<{ cluster: number; name: string; size: number; persona: string; purity: number }> {
  return result.personas.map((p) => {
    const counts = new Map<string, number>();
    for (const a of result.assignments!)
      if (a.cluster === p.cluster && personaOf.has(a.personId)) {
        const g = personaOf.get(a.personId)!;
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
    const [persona, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const labelled = [...counts.values()].reduce((s, v) => s + v, 0);
    return { cluster: p.cluster, name: p.name, size: p.size, persona, purity: labelled ? n / labelled : 0 };
  });
}

describeEachStore('discovered personas on the demo', (ctx) => {
  let result: DiscoverResult;
  let ari: number;
  before(async () => {
    await ingest(ctx.store, 'demo', messages);
    result = await discoverPersonas(ctx.store, 'demo', discoverInputSchema.parse({ includeAssignments: true }));
    const labelled = result.assignments!.filter((a) => personaOf.has(a.personId));
    ari = adjustedRandIndex(
      labelled.map((a) => personaOf.get(a.personId)!),
      labelled.map((a) => a.cluster),
    );
  });

  it("matches the generator's personas: adjusted Rand index at least 0.5, k by silhouette", () => {
    const rows = purity(result);
    process.stdout.write(
      `# [${ctx.kind}] demo personas: ${result.sampled} clustered persons (${result.unclustered} without a product view unclustered), k=${result.k} by silhouette (BIC prefers ${result.bicK}), ARI ${ari.toFixed(3)}\n`,
    );
    for (const r of rows) process.stdout.write(`#   ${r.name} (${r.size}): ${(r.purity * 100).toFixed(0)}% ${r.persona}\n`);
    assert.ok(ari >= 0.5, `ARI ${ari}`);
    assert.ok(result.k >= 5 && result.k <= 6, `k ${result.k}`);
    // Every generator persona is the majority of some discovered persona, most of them clearly.
    const found = new Set(rows.filter((r) => r.purity >= 0.5).map((r) => r.persona));
    assert.equal(found.size, truth.population.personas.length, JSON.stringify(rows));
    assert.equal(result.sampled + result.unclustered, result.persons);
  });

  it("given the generator's number of personas, matches them closer still", async () => {
    const fixed = await discoverPersonas(
      ctx.store,
      'demo',
      discoverInputSchema.parse({ includeAssignments: true, k: truth.population.personas.length }),
    );
    const labelled = fixed.assignments!.filter((a) => personaOf.has(a.personId));
    const ariK = adjustedRandIndex(
      labelled.map((a) => personaOf.get(a.personId)!),
      labelled.map((a) => a.cluster),
    );
    process.stdout.write(
      `# [${ctx.kind}] k=${fixed.k} fixed: ARI ${ariK.toFixed(3)}; purity ${purity(fixed)
        .map((r) => `${r.persona} ${(r.purity * 100).toFixed(0)}%`)
        .join(', ')}\n`,
    );
    assert.ok(ariK >= 0.6, `ARI ${ariK}`);
  });
});
