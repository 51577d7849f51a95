import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeJourneyMap } from '../../src/analysis/journey-map.ts';
import { resolveScope } from '../../src/scope/scope.ts';
import {
  createPersona,
  createSuggestedPersonas,
  deletePersona,
  getPersona,
  listPersonas,
  PersonaNotFoundError,
  personaSize,
  updatePersona,
} from '../../src/journeys/personas.ts';
import { availableJourneys, deleteJourney, resolveJourney, saveJourney } from '../../src/journeys/journeys.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';
import { journeyMessages } from '../analysis/journey-map-fixture.ts';

describeEachStore('personas and stored journeys', (ctx) => {
  before(async () => {
    await ingest(ctx.store, 'pe', journeyMessages());
  });

  it('creates, reads, updates and deletes personas with unique ids', async () => {
    const a = await createPersona(ctx.store, 'pe', {
      name: 'Big spenders',
      segment: { rules: [{ kind: 'revenue', op: 'gte', value: 80 }] },
    });
    const b = await createPersona(ctx.store, 'pe', {
      name: 'Big spenders',
      segment: { rules: [{ kind: 'revenue', op: 'gte', value: 150 }] },
    });
    assert.deepEqual([a.id, b.id], ['big-spenders', 'big-spenders-2']);
    assert.equal((await getPersona(ctx.store, 'pe', 'big-spenders')).segment.match, 'all');
    await updatePersona(ctx.store, 'pe', b.id, { name: 'Top', segment: { rules: [{ kind: 'order_count', op: 'eq', value: 1 }] } });
    assert.equal((await getPersona(ctx.store, 'pe', b.id)).name, 'Top');
    // Revenue ≥ 80: ann (160) and eve (80). One order: cat and eve.
    assert.deepEqual(await personaSize(ctx.store, 'pe', a), { persons: 2, total: 5, share: 0.4 });
    assert.deepEqual(await personaSize(ctx.store, 'pe', await getPersona(ctx.store, 'pe', b.id)), { persons: 2, total: 5, share: 0.4 });
    await deletePersona(ctx.store, 'pe', b.id);
    await assert.rejects(getPersona(ctx.store, 'pe', b.id), PersonaNotFoundError);
    await assert.rejects(
      updatePersona(ctx.store, 'pe', 'nope', { name: 'x', segment: { rules: [{ kind: 'revenue', op: 'gte', value: 1 }] } }),
      PersonaNotFoundError,
    );
    await deletePersona(ctx.store, 'pe', a.id);
  });

  it('adds the suggested personas once, with the sizes their rules imply', async () => {
    await createSuggestedPersonas(ctx.store, 'pe');
    const all = await createSuggestedPersonas(ctx.store, 'pe');
    assert.deepEqual(all.map((p) => p.name).sort(), ['Bargain hunters', 'Detractors', 'Loyal']);
    const size = async (name: string) =>
      (
        await personaSize(
          ctx.store,
          'pe',
          all.find((p) => p.name === name)!,
        )
      ).persons;
    // First channel Paid Search: ann. Two orders: ann. NPS ≤ 6: nobody (eve answered CSAT).
    assert.deepEqual([await size('Bargain hunters'), await size('Loyal'), await size('Detractors')], [1, 1, 0]);
  });

  it('scopes the journey map to a saved persona', async () => {
    const scope = await resolveScope(ctx.store, 'pe', { from: new Date('2026-01-01'), to: new Date('2027-01-01'), persona: 'Loyal' });
    const map = await computeJourneyMap(ctx.store, scope);
    assert.deepEqual(
      map.stages.map((s) => s.entered),
      [1, 1, 1, 1, 1],
    );
    for (const p of await listPersonas(ctx.store, 'pe')) await deletePersona(ctx.store, 'pe', p.id);
  });

  it('uses the default template until a journey is saved, then the saved one', async () => {
    assert.deepEqual(
      (await availableJourneys(ctx.store, 'pe')).map((j) => j.id),
      ['default-b2c'],
    );
    await saveJourney(ctx.store, 'pe', {
      id: 'two',
      name: 'Two',
      stages: [
        { id: 'a', name: 'A', rules: [{ events: ['Page Viewed'] }] },
        { id: 'b', name: 'B', rules: [{ events: ['Order Completed'] }] },
      ],
    });
    assert.equal((await resolveJourney(ctx.store, 'pe')).id, 'two');
    assert.equal((await resolveJourney(ctx.store, 'pe', 'default-b2c')).id, 'default-b2c');
    assert.equal(await deleteJourney(ctx.store, 'pe', 'two'), true);
    assert.equal(await deleteJourney(ctx.store, 'pe', 'two'), false);
    assert.equal((await resolveJourney(ctx.store, 'pe')).id, 'default-b2c');
  });
});
