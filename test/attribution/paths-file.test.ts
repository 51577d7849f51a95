import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePathsCsv, PathsFileError } from '../../src/attribution/paths-file.ts';
import { attributeFromPathsFile, toCliJson } from '../../src/cli/attribution-paths.ts';

const HEADER = 'path;total_conversions;total_conversion_value;total_null';

describe('paths file parser', () => {
  it('reads the ChannelAttribution format, trimming names and tolerating CRLF, BOM and blank lines', () => {
    const text = `\uFEFF${HEADER}\r\n a >b > c ;2;3.5;1\r\n\r\nd;0;0;4\r\n`;
    assert.deepEqual(parsePathsCsv(text), [
      { path: ['a', 'b', 'c'], conversions: 2, value: 3.5, nulls: 1 },
      { path: ['d'], conversions: 0, value: 0, nulls: 4 },
    ]);
  });

  it('accepts columns in any order and treats missing value and null columns as 0', () => {
    assert.deepEqual(parsePathsCsv('total_conversions;path\n3;x > y\n'), [{ path: ['x', 'y'], conversions: 3, value: 0, nulls: 0 }]);
  });

  it('names line and column of a bad number', () => {
    const text = `${HEADER}\na;1;2;0\nb;one;2;0\n`;
    assert.throws(
      () => parsePathsCsv(text, { source: 'p.csv' }),
      (e: Error) => {
        assert.ok(e instanceof PathsFileError);
        assert.equal(e.line, 3);
        assert.equal(e.column, 2);
        assert.match(e.message, /^p\.csv: line 3, column 2 \(total_conversions\): expected a non-negative integer, got "one"/);
        return true;
      },
    );
  });

  it('rejects negative values, empty touchpoints, wrong field counts and unknown headers', () => {
    assert.throws(() => parsePathsCsv(`${HEADER}\na;1;-2;0\n`), /line 2, column 3 \(total_conversion_value\)/);
    assert.throws(() => parsePathsCsv(`${HEADER}\na >  > b;1;2;0\n`), /line 2, column 1 \(path\): empty touchpoint/);
    assert.throws(() => parsePathsCsv(`${HEADER}\na;1;2\n`), /line 2: expected 4 fields, found 3/);
    assert.throws(() => parsePathsCsv('path;conversions\n'), /line 1, column 2: unknown column "conversions"/);
    assert.throws(() => parsePathsCsv('path;total_null\n'), /lacks the "total_conversions" column/);
    assert.throws(() => parsePathsCsv(''), /missing header/);
  });
});

describe('attributeFromPathsFile', () => {
  let dir = '';
  let file = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'waymark-paths-'));
    file = join(dir, 'paths.csv');
    writeFileSync(file, `${HEADER}\nC1 > C2 > C3;1;10;0\nC1;0;0;1\nC2 > C3;0;0;1\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the named model on the file and shapes the CLI JSON', () => {
    const json = toCliJson(attributeFromPathsFile(file, 'markov', {}));
    assert.equal(json.model, 'markov');
    assert.deepEqual(
      json.channels.map((c) => [c.channel, Math.round(c.share * 1e12) / 1e12, Math.round(c.value * 1e9) / 1e9]),
      [
        ['C2', 0.4, 4],
        ['C3', 0.4, 4],
        ['C1', 0.2, 2],
      ],
    );
    assert.deepEqual(Object.keys(json.channels[0]), ['channel', 'conversions', 'value', 'share']);
  });

  it('passes an unknown model name through as a clear error', () => {
    assert.throws(() => attributeFromPathsFile(file, 'nope', {}), /unknown attribution model "nope"/);
  });
});
