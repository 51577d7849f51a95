import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processMessages, storedSize } from '../../../src/ingestion/pipeline.ts';
import { orderRevenue, toEventRow } from '../../../src/ingestion/steps/to-event-row.ts';
import { EVENT_COLUMNS } from '../../../src/store/schema.ts';

const t = new Date('2026-03-01T10:00:00.000Z');

describe('row step', () => {
  it('fills exactly the event columns, with traffic source, channel and device', () => {
    const row = toEventRow(
      'p',
      {
        type: 'page',
        messageId: 'm',
        anonymousId: 'a',
        context: {
          page: { url: 'https://shop.example/x?utm_source=google&utm_medium=cpc&utm_campaign=brand' },
          userAgent:
            'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
        },
      },
      t,
      t,
    );
    assert.deepEqual(
      Object.keys(row),
      EVENT_COLUMNS.map((c) => c.name),
    );
    assert.deepEqual(
      [row.event, row.channel, row.source, row.medium, row.campaign, row.path, row.device_type, row.timestamp],
      ['Page Viewed', 'Paid Search', 'google', 'cpc', 'brand', '/x', 'mobile', '2026-03-01 10:00:00.000'],
    );
  });

  it('reads order revenue from revenue, then total, then products', () => {
    assert.equal(orderRevenue({ revenue: '12.5' }), 12.5);
    assert.equal(orderRevenue({ total: 9 }), 9);
    assert.equal(orderRevenue({ products: [{ price: 2, quantity: 3 }, { price: 1.25 }] }), 7.25);
    assert.equal(orderRevenue({}), null);
  });
});

describe('size step', () => {
  it('counts every text that lands in a column, the campaign name included', () => {
    const big = { type: 'page', messageId: 'm', anonymousId: 'a', context: { campaign: { name: 'c'.repeat(40_000), source: 'news' } } };
    const { rows, rejected } = processMessages('p', [big], 'batch', undefined, t, 32_768);
    assert.equal(rows.length, 0);
    assert.deepEqual(
      rejected.map((r) => [r.field, r.status]),
      [['message', 413]],
    );
    const small = processMessages(
      'p',
      [{ ...big, context: { campaign: { name: 'spring', source: 'news' } } }],
      'batch',
      undefined,
      t,
      32_768,
    );
    assert.equal(small.rows[0]!.campaign, 'spring');
    assert.ok(storedSize(small.rows[0]!) < 200);
  });
});
