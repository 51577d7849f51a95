/**
 * The default B2C template on a small generated demo, against its ground truth: every stage's count
 * of identified persons equals the generator's, the anonymous devices the map reports equal the
 * generator's never-linked devices, the journey map and the feedback report put each survey in the
 * same stage, and leaks count each lost person once and sum to at most the revenue possible.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { join } from 'node:path';
import { computeFeedback, type FeedbackReport } from '../../src/analysis/feedback.ts';
import { computeJourneyMap, type JourneyMap } from '../../src/analysis/journey-map.ts';
import { generateDemo, type GroundTruth } from '../../src/demo/generator.ts';
import { DEFAULT_JOURNEY } from '../../src/journeys/definition.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

describeEachStore('default journey on the demo against its ground truth', (ctx) => {
  let truth: GroundTruth;
  let map: JourneyMap;
  let feedback: FeedbackReport;
  const scope = { projectId: 'demo', from: new Date('2026-01-01'), to: new Date('2026-11-01') };
  before(async () => {
    const demo = generateDemo({ seed: 5, customers: 900, days: 90, endDate: '2026-10-31' });
    await importMessages(ctx.store, 'demo', demo.messages(), { workDir: join(tempDir(), 'work') });
    truth = demo.groundTruth();
    map = await computeJourneyMap(ctx.store, scope, { leakLimit: 10_000 });
    feedback = await computeFeedback(ctx.store, scope);
  });

  it('defines every default stage by behaviour: no survey event or score is a stage rule', () => {
    for (const stage of DEFAULT_JOURNEY.stages)
      for (const rule of stage.rules) {
        assert.ok(!(rule.events ?? []).includes('Survey Responded'), stage.id);
        assert.ok(!(rule.properties ?? []).some((p) => p.property.replace(/^properties\./, '') === 'score'), stage.id);
      }
  });

  it('counts exactly the identified persons the generator says reached each stage, and names the anonymous devices', () => {
    const want = truth.stages.map((s) => [s.stage, s.identified_reached, s.anonymous_devices_reached]);
    const got = map.stages.map((s) => [s.id, s.identified, s.anonymous]);
    assert.deepEqual(got, want);
    // Anonymous devices are what separates the map's count from the customers who reached the stage.
    for (const [k, s] of map.stages.entries())
      assert.equal(s.entered, truth.stages[k]!.identified_reached + truth.stages[k]!.anonymous_devices_reached);
    assert.match(map.anonymousNote, new RegExp(`^${map.anonymous} of ${map.persons} persons are anonymous devices`));
  });

  it('puts each survey response in the same stage on the journey map and in the feedback report', () => {
    for (const stage of map.stages) {
      const report = feedback.byStage.find((s) => s.stage === stage.id);
      assert.equal(stage.feedback.responses, report?.responses ?? 0, stage.id);
      assert.equal(stage.feedback.nps.responses, report?.nps?.responses ?? 0, stage.id);
      assert.equal(stage.feedback.nps.score, report?.nps?.score ?? null, stage.id);
      assert.equal(stage.feedback.csat.responses, report?.csat?.responses ?? 0, stage.id);
    }
    const before = feedback.byStage.find((s) => s.stage === 'before journey')?.responses ?? 0;
    assert.equal(map.stages.reduce((a, s) => a + s.feedback.responses, 0) + before, feedback.total.responses);
  });

  it('counts each lost person in exactly one leak and keeps the leaks within the revenue possible', () => {
    const lost = map.stages.reduce((a, s) => a + s.lost, 0);
    assert.equal(
      map.leaks.reduce((a, l) => a + l.lost, 0),
      lost,
    );
    assert.ok(map.leakTotal <= map.revenuePossible, `${map.leakTotal} > ${map.revenuePossible}`);
    assert.equal(map.revenuePossible, map.persons * map.avgOrderValue);
    for (const l of map.leaks) {
      assert.ok(l.downstreamConversion >= 0 && l.downstreamConversion <= 1);
      assert.ok(Math.abs(l.value - l.lost * l.downstreamConversion * l.avgOrderValue) < 1e-6);
    }
    assert.match(map.formula, /downstream conversion/);
  });
});
