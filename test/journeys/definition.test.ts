import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZodError } from 'zod';
import { DEFAULT_JOURNEY, parseJourney } from '../../src/journeys/definition.ts';
import { JOURNEY_TEMPLATES } from '../../src/journeys/templates.ts';

const stage = (id: string, rules: object[] = [{ events: ['Page Viewed'] }]) => ({ id, name: id, rules });

function issue(input: unknown): string {
  try {
    parseJourney(input);
  } catch (error) {
    assert.ok(error instanceof ZodError);
    return `${error.issues[0]!.path.join('.')}: ${error.issues[0]!.message}`;
  }
  assert.fail('expected a validation error');
}

describe('journey definitions', () => {
  it('has a five-stage default defined by behaviour: loyalty is a repeat order only, experience is having the goods', () => {
    assert.deepEqual(
      DEFAULT_JOURNEY.stages.map((s) => s.id),
      ['awareness', 'consideration', 'purchase', 'experience', 'loyalty'],
    );
    assert.deepEqual(DEFAULT_JOURNEY.stages[4]!.rules, [{ events: ['Order Completed'], minOccurrence: 2 }]);
    assert.deepEqual(DEFAULT_JOURNEY.stages[3]!.rules, [{ events: ['Order Delivered', 'Order Picked Up'], minOccurrence: 1 }]);
    assert.deepEqual(DEFAULT_JOURNEY.stages[0]!.rules, [{ anyEvent: true, minOccurrence: 1 }]);
  });

  it('offers retail with stores, e-commerce and subscription templates, none with a survey in a stage rule', () => {
    assert.deepEqual(
      JOURNEY_TEMPLATES.map((t) => t.id),
      ['default-b2c', 'ecommerce', 'subscription'],
    );
    for (const t of JOURNEY_TEMPLATES) {
      assert.deepEqual(parseJourney(t), t);
      for (const st of t.stages) for (const r of st.rules) assert.ok(!(r.events ?? []).includes('Survey Responded'), `${t.id}.${st.id}`);
    }
  });

  it('derives an id from the name and fills rule defaults', () => {
    const j = parseJourney({ name: 'My Journey!', stages: [stage('a'), stage('b')] });
    assert.equal(j.id, 'my-journey');
    assert.equal(j.stages[0]!.rules[0]!.minOccurrence, 1);
    assert.equal(j.touchpoints.defaultChannel, 'Web');
  });

  it('rejects duplicate stages, empty rules, bad regexes and after rules that point forward or chain', () => {
    assert.equal(issue({ name: 'x', stages: [stage('a'), stage('a')] }), 'stages.1.id: duplicate stage id "a"');
    assert.match(issue({ name: 'x', stages: [stage('a', [{}]), stage('b')] }), /^stages\.0\.rules\.0: a rule needs at least one condition/);
    assert.equal(
      issue({ name: 'x', stages: [stage('a', [{ pathRegex: '(' }]), stage('b')] }),
      'stages.0.rules.0.pathRegex: not a valid regular expression',
    );
    assert.equal(
      issue({ name: 'x', stages: [stage('a', [{ events: ['E'], after: 'b' }]), stage('b')] }),
      'stages.0.rules.0.after: after: "b" must be an earlier stage',
    );
    assert.equal(
      issue({ name: 'x', stages: [stage('a'), stage('b', [{ events: ['E'], after: 'a' }]), stage('c', [{ events: ['F'], after: 'b' }])] }),
      'stages.2.rules.0.after: after: stage "b" itself uses after',
    );
    assert.equal(issue({ name: 'x', stages: [stage('a')] }), 'stages: Too small: expected array to have >=2 items');
  });
});
