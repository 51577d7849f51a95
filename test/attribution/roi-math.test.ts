import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { roiByTouchpoint, roiMetrics } from '../../src/attribution/roi-math.ts';

describe('ROI arithmetic', () => {
  it('computes ROAS, ROI, CPA and CAC', () => {
    assert.deepEqual(roiMetrics({ spend: 100, conversions: 4, revenue: 300, margin: 0.4, firstOrderConversions: 2 }), {
      roas: 3,
      roi: 0.2,
      cpa: 25,
      cac: 50,
      profit: 20,
    });
  });

  it('returns null, never Infinity or NaN, where a denominator is 0', () => {
    assert.deepEqual(roiMetrics({ spend: 0, conversions: 0, revenue: 50, margin: 0.5, firstOrderConversions: 0 }), {
      roas: null,
      roi: null,
      cpa: null,
      cac: null,
      profit: 25,
    });
    const m = roiMetrics({ spend: 80, conversions: 0, revenue: 0, margin: 0.3, firstOrderConversions: 0 });
    assert.equal(m.roas, 0);
    assert.equal(m.roi, -1);
    assert.equal(m.cpa, null);
    assert.equal(m.cac, null);
  });

  it('keeps the touchpoint fields alongside the metrics', () => {
    const [r] = roiByTouchpoint([{ channel: 'email', spend: 50, conversions: 5, revenue: 100, margin: 1, firstOrderConversions: 1 }]);
    assert.equal(r.channel, 'email');
    assert.equal(r.roi, 1);
    assert.equal(r.cac, 50);
  });
});
