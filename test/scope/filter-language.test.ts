import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { journeySchema, stageRuleSchema } from '../../src/journeys/definition.ts';
import { ruleConditionSql } from '../../src/journeys/stage-sql.ts';
import { segmentPersonsSql, segmentSchema, upgradeSegment, type Segment } from '../../src/scope/scope.ts';
import { duckdbDialect } from '../../src/store/dialect/duckdb.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const sql = (build: (q: QueryBuilder) => string) => {
  const q = new QueryBuilder(duckdbDialect);
  const text = build(q);
  return q.build(text);
};

describe('journey stage rules speak the shared filter language', () => {
  it('loads a rule saved with `key` as a filter on that event property', () => {
    const rule = stageRuleSchema.parse({ events: ['Product Viewed'], properties: [{ key: 'category', op: 'eq', value: 'tents' }] });
    assert.deepEqual(rule.properties, [{ property: 'properties.category', op: 'eq', value: 'tents' }]);
  });

  it('reads a property, not the column of the same name, for an old `key` rule', () => {
    const rule = stageRuleSchema.parse({ events: ['Order Completed'], properties: [{ key: 'revenue', op: 'gte', value: 80 }] });
    const { sql: text, params } = sql((q) => ruleConditionSql(q, rule, 'e.'));
    assert.ok(text.includes(`TRY_CAST(json_extract_string(e.properties, '$."revenue"') AS DOUBLE) >= CAST($p1 AS BIGINT)`), text);
    assert.deepEqual(params.p1, { value: 80, type: 'Int64' });
  });

  it('accepts the operators the funnel accepts, on columns and nested properties', () => {
    const journey = journeySchema.parse({
      name: 'j',
      stages: [
        { id: 'a', name: 'A', rules: [{ properties: [{ property: 'channel', op: 'in', value: ['Email', 'Push'] }] }] },
        { id: 'b', name: 'B', rules: [{ properties: [{ property: 'properties.cart.items', op: 'gt', value: 2 }] }] },
      ],
    });
    const a = sql((q) => ruleConditionSql(q, journey.stages[0]!.rules[0]!, 'e.'));
    assert.equal(a.sql, '(list_contains(CAST($p0 AS VARCHAR[]), e.channel))');
    const b = sql((q) => ruleConditionSql(q, journey.stages[1]!.rules[0]!, 'e.'));
    assert.ok(b.sql.includes(`json_extract_string(e.properties, '$."cart"."items"')`), b.sql);
  });

  it('refuses a comparison without a number, naming the value', () => {
    const r = stageRuleSchema.safeParse({ properties: [{ property: 'plan', op: 'gt', value: 'pro' }] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues[0]!.path, ['properties', 0, 'value']);
  });
});

describe('segment trait rules speak the shared filter language', () => {
  const legacy = { match: 'all', rules: [{ kind: 'trait', trait: 'plan', op: 'eq', value: 'pro' }] };
  const current = { match: 'all', rules: [{ kind: 'trait', property: 'plan', op: 'eq', value: 'pro' }] };

  it('loads a rule saved with `trait` as a filter on that trait', () => {
    assert.deepEqual(segmentSchema.parse(legacy), current);
    assert.deepEqual(upgradeSegment(legacy as unknown as Segment), current);
  });

  it('compiles an old rule read without parsing to the same SQL as the new shape', () => {
    const p = 'proj';
    const old = sql((q) => segmentPersonsSql(q, p, legacy as unknown as Segment));
    const now = sql((q) => segmentPersonsSql(q, p, segmentSchema.parse(current)));
    assert.deepEqual(old, now);
    assert.ok(now.sql.includes(`coalesce(json_extract_string(traits, '$."plan"'), '') = CAST($p1 AS VARCHAR)`), now.sql);
  });

  it('gains the other operators: a list, a number comparison and presence', () => {
    const s = segmentSchema.parse({
      match: 'any',
      rules: [
        { kind: 'trait', property: 'tier', op: 'in', value: ['gold', 'silver'] },
        { kind: 'trait', property: 'age', op: 'gte', value: 30 },
        { kind: 'trait', property: 'traits.email', op: 'exists' },
      ],
    });
    const { sql: text } = sql((q) => segmentPersonsSql(q, 'proj', s));
    assert.ok(text.includes(`list_contains(CAST($p1 AS VARCHAR[]), coalesce(json_extract_string(traits, '$."tier"'), ''))`), text);
    assert.ok(text.includes(`TRY_CAST(json_extract_string(traits, '$."age"') AS DOUBLE) >= CAST($p2 AS BIGINT)`), text);
    assert.ok(text.includes(`coalesce(coalesce(json_extract_string(traits, '$."email"'), ''), '') <> ''`), text);
  });

  it('refuses a trait rule that names no trait', () => {
    const r = segmentSchema.safeParse({ rules: [{ kind: 'trait', op: 'eq', value: 'x' }] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues[0]!.path, ['rules', 0, 'property']);
  });
});

describeEachStore('segment trait rules select persons', (ctx) => {
  const project = 'traits-p';
  before(async () => {
    let n = 0;
    const person = (userId: string, traits: object) => [
      { type: 'identify', userId, traits, messageId: `t${n++}`, timestamp: '2026-03-02T10:00:00Z' },
      { type: 'track', userId, event: 'Product Viewed', messageId: `t${n++}`, timestamp: '2026-03-02T10:05:00Z' },
    ];
    await ingest(ctx.store, project, [
      ...person('ann', { tier: 'gold', age: 41 }),
      ...person('bob', { tier: 'silver', age: 25 }),
      ...person('cy', { tier: 'bronze' }),
    ]);
  });
  const members = async (segment: unknown): Promise<string[]> => {
    const q = new QueryBuilder(ctx.store.dialect);
    const where = segmentPersonsSql(q, project, segmentSchema.parse(segment));
    const rows = await ctx.store.query<{ person_id: string }>(
      q.build(`SELECT DISTINCT person_id FROM events WHERE project_id = ${q.str(project)} AND (${where}) ORDER BY person_id`),
    );
    return rows.map((r) => r.person_id);
  };

  it('an old-shape rule selects the same persons as before', async () => {
    assert.deepEqual(await members({ rules: [{ kind: 'trait', trait: 'tier', op: 'neq', value: 'gold' }] }), ['bob', 'cy']);
  });

  it('a list, a number comparison and presence select by the filter language', async () => {
    assert.deepEqual(await members({ rules: [{ kind: 'trait', property: 'tier', op: 'in', value: ['gold', 'silver'] }] }), ['ann', 'bob']);
    assert.deepEqual(await members({ rules: [{ kind: 'trait', property: 'age', op: 'gte', value: 30 }] }), ['ann']);
    assert.deepEqual(await members({ rules: [{ kind: 'trait', property: 'age', op: 'exists' }] }), ['ann', 'bob']);
  });
});
