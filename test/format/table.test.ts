import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fmtInt, fmtMoney, fmtPct, fmtPoints } from '../../src/format/numbers.ts';
import { renderTable } from '../../src/format/table.ts';

it('prints a header and a rule, right-aligns numbers and fits 100 columns by shortening the widest text', () => {
  const long = 'Product Viewed → Product Added → Checkout Started → Order Completed → Survey Responded → Product Viewed';
  const out = renderTable(
    [{ header: 'people', align: 'right' }, { header: 'share', align: 'right' }, { header: 'path' }],
    [
      [fmtInt(1234), fmtPct(0.125), long],
      [fmtInt(7), fmtPct(0.5), 'Product Viewed'],
    ],
  );
  const lines = out.split('\n');
  assert.equal(lines[0], 'people  share  path');
  assert.match(lines[1]!, /^─{6}  ─{5}  ─+$/);
  assert.ok(
    lines.every((l) => l.length <= 100),
    lines.map((l) => l.length).join(','),
  );
  assert.ok(lines[2]!.startsWith(' 1,234  12.5%  Product Viewed →') && lines[2]!.endsWith('…'));
  assert.equal(lines[3], '     7  50.0%  Product Viewed');
});

it('formats money and rates as the dashboard does', () => {
  assert.equal(fmtMoney(1234.567), '$1,235');
  assert.equal(fmtMoney(12.345), '$12.35');
  assert.equal(fmtMoney(99.5, 'EUR'), '€99.50');
  assert.equal(fmtPct(0.06623, 2), '6.62%');
  assert.equal(fmtPoints(0.0132), '+1.3 pp');
  assert.equal(fmtPoints(-0.004), '−0.4 pp');
  assert.equal(fmtInt(null), '–');
});
