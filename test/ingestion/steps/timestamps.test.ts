import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correctTimestamp } from '../../../src/ingestion/steps/timestamps.ts';

const received = new Date('2026-03-01T12:00:00.000Z');
const iso = (r: ReturnType<typeof correctTimestamp>) => (r.ok ? r.value.toISOString() : `${r.field}: ${r.message}`);

describe('time-correction step', () => {
  it('corrects a skewed device clock by the sentAt difference', () => {
    // The device clock is 3 hours fast: sent "15:00", the event "14:59:00".
    assert.equal(
      iso(correctTimestamp({ timestamp: '2026-03-01T14:59:00.000Z', sentAt: '2026-03-01T15:00:00.000Z' }, undefined, received)),
      '2026-03-01T11:59:00.000Z',
    );
    assert.equal(
      iso(correctTimestamp({ timestamp: '2026-03-01T14:59:00.000Z' }, '2026-03-01T15:00:00.000Z', received)),
      '2026-03-01T11:59:00.000Z',
    );
  });

  it('prefers originalTimestamp, uses receivedAt when no time is given, and clamps the future to receivedAt', () => {
    assert.equal(
      iso(correctTimestamp({ originalTimestamp: '2026-02-01T00:00:00.000Z', timestamp: '2026-01-01T00:00:00.000Z' }, undefined, received)),
      '2026-02-01T00:00:00.000Z',
    );
    assert.equal(iso(correctTimestamp({}, undefined, received)), '2026-03-01T12:00:00.000Z');
    assert.equal(iso(correctTimestamp({ timestamp: '2030-01-01T00:00:00.000Z' }, undefined, received)), '2026-03-01T12:00:00.000Z');
  });

  it('rejects times outside 1970..2200 with the field named, before and after skew correction', () => {
    assert.equal(
      iso(correctTimestamp({ timestamp: '-000050-01-01T00:00:00Z' }, undefined, received)),
      'timestamp: timestamp must be between 1970-01-01 and 2200-01-01',
    );
    assert.equal(
      iso(correctTimestamp({ timestamp: '1969-12-31T23:59:59Z' }, undefined, received)),
      'timestamp: timestamp must be between 1970-01-01 and 2200-01-01',
    );
    assert.equal(
      iso(correctTimestamp({ timestamp: '2026-01-01T00:00:00Z', sentAt: '+275760-09-13T00:00:00Z' }, undefined, received)),
      'sentAt: sentAt must be between 1970-01-01 and 2200-01-01',
    );
    // Both in range, but the skew puts the event 200 years before receivedAt.
    assert.equal(
      iso(correctTimestamp({ timestamp: '1975-01-01T00:00:00Z', sentAt: '2199-01-01T00:00:00Z' }, undefined, received)),
      'sentAt: sentAt puts the event before 1970-01-01 after clock-skew correction',
    );
  });

  it("ignores an unusable batch sentAt instead of rejecting the batch's messages", () => {
    assert.equal(iso(correctTimestamp({ timestamp: '2026-02-01T00:00:00.000Z' }, 'not a time', received)), '2026-02-01T00:00:00.000Z');
    assert.equal(
      iso(correctTimestamp({ timestamp: '2026-02-01T00:00:00.000Z' }, '-271821-04-20T00:00:00Z', received)),
      '2026-02-01T00:00:00.000Z',
    );
  });
});
