import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateMessage } from '../../../src/ingestion/steps/validate.ts';

const field = (raw: unknown, type?: 'track') => {
  const r = validateMessage(raw, type);
  return r.ok ? 'ok' : r.field;
};

describe('validation step', () => {
  it('names the field of each Segment-spec violation', () => {
    assert.equal(field('text'), 'message');
    assert.equal(field({ type: 'bogus', userId: 'u' }), 'type');
    assert.equal(field({ type: 'track', event: 'E' }), 'anonymousId');
    assert.equal(field({ type: 'track', userId: 'u' }), 'event');
    assert.equal(field({ type: 'track', userId: 'u', event: 'e'.repeat(201) }), 'event');
    assert.equal(field({ type: 'track', userId: { id: 1 }, event: 'E' }), 'userId');
    assert.equal(field({ type: 'track', userId: 'u'.repeat(513), event: 'E' }), 'userId');
    assert.equal(field({ type: 'alias', userId: 'u' }), 'previousId');
    assert.equal(field({ type: 'group', userId: 'u' }), 'groupId');
    assert.equal(field({ type: 'track', userId: 'u', event: 'E', properties: [1] }), 'properties');
    assert.equal(field({ type: 'track', userId: 'u', event: 'E', timestamp: 'yesterday' }), 'timestamp');
    assert.equal(field({ type: 'track', userId: 'u', event: 'E', originalTimestamp: '-000001-01-01T00:00:00Z' }), 'originalTimestamp');
    assert.equal(field({ type: 'track', userId: 'u', event: 'E', sentAt: '2300-01-01T00:00:00Z' }), 'sentAt');
  });

  it("takes the endpoint's type, keeps numeric ids as text and gives a message without an id one", () => {
    const r = validateMessage({ userId: 42, event: 'E' }, 'track');
    assert.ok(r.ok);
    assert.equal(r.value.type, 'track');
    assert.equal(r.value.userId, '42');
    assert.match(r.value.messageId!, /^[0-9a-f-]{36}$/);
  });
});
