import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_NESTING_DEPTH, sanitizeMessage } from '../../../src/ingestion/steps/sanitize.ts';

const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nest(levels - 1) });

describe('sanitize step', () => {
  it('replaces lone surrogates with U+FFFD in values and keys at any depth, keeping pairs', () => {
    const r = sanitizeMessage({ event: 'a\ud800b', ok: 'pair \ud83d\ude00', properties: { ['k\udc00']: ['x\udbff', { y: '\udfff' }] } });
    assert.ok(r.ok);
    assert.deepEqual(r.value, { event: 'a\ufffdb', ok: 'pair \ud83d\ude00', properties: { 'k\ufffd': ['x\ufffd', { y: '\ufffd' }] } });
  });

  it('returns a clean message itself, without copying it', () => {
    const message = { type: 'track', properties: { list: [1, 'two', { three: null }] } };
    const r = sanitizeMessage(message);
    assert.ok(r.ok);
    assert.equal(r.value, message);
  });

  it(`accepts ${MAX_NESTING_DEPTH} levels of nesting and rejects one more, naming the field`, () => {
    // The message itself is level 1, properties level 2.
    assert.equal(sanitizeMessage({ properties: nest(MAX_NESTING_DEPTH - 1) as object }).ok, true);
    assert.deepEqual(sanitizeMessage({ properties: nest(MAX_NESTING_DEPTH) as object }), {
      ok: false,
      status: 400,
      field: 'properties',
      message: `properties is nested deeper than ${MAX_NESTING_DEPTH} levels`,
    });
  });

  it('keeps a "__proto__" key as data when it copies an object', () => {
    const raw = JSON.parse('{"properties": {"__proto__": {"polluted": "x\\ud800"}}}');
    const r = sanitizeMessage(raw);
    assert.ok(r.ok);
    const props = r.value.properties as Record<string, unknown>;
    assert.deepEqual(Object.getOwnPropertyDescriptor(props, '__proto__')?.value, { polluted: 'x\ufffd' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
