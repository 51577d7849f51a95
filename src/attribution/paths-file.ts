/**
 * Reads path aggregates in the ChannelAttribution format:
 *
 *   path;total_conversions;total_conversion_value;total_null
 *   eta > iota > alpha;1;0.244;3
 *
 * `;`-separated with a header line naming the columns (any order; total_conversion_value and
 * total_null may be absent and then count as 0). Touchpoints in a path are joined by `>`;
 * surrounding spaces are trimmed, as ChannelAttribution does. Errors name the line and column.
 */
import { readFileSync } from 'node:fs';
import type { PathAggregate } from './models/types.ts';

const REQUIRED = ['path', 'total_conversions'] as const;
const KNOWN = ['path', 'total_conversions', 'total_conversion_value', 'total_null'];

export class PathsFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'PathsFileError';
  }
}

export interface ParsePathsOptions {
  /** Field separator, default ";". */
  fieldSeparator?: string;
  /** Touchpoint separator inside a path, default ">". */
  channelSeparator?: string;
  /** Name used in error messages, e.g. the file name. */
  source?: string;
}

export function parsePathsCsv(text: string, options: ParsePathsOptions = {}): PathAggregate[] {
  const fs = options.fieldSeparator ?? ';';
  const cs = options.channelSeparator ?? '>';
  const where = (line: number, column?: number) =>
    `${options.source ? `${options.source}: ` : ''}line ${line}${column !== undefined ? `, column ${column}` : ''}`;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length === 0 || lines[0].trim() === '') {
    throw new PathsFileError(`${where(1)}: missing header (expected ${KNOWN.join(fs)})`, 1);
  }
  const header = lines[0].split(fs).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    if (!KNOWN.includes(h)) {
      throw new PathsFileError(`${where(1, i + 1)}: unknown column "${h}" (expected ${KNOWN.join(', ')})`, 1, i + 1);
    }
    if (col.has(h)) throw new PathsFileError(`${where(1, i + 1)}: duplicate column "${h}"`, 1, i + 1);
    col.set(h, i);
  });
  for (const r of REQUIRED) {
    if (!col.has(r)) throw new PathsFileError(`${where(1)}: header lacks the "${r}" column`, 1);
  }
  const out: PathAggregate[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    const lineNo = i + 1;
    if (raw.trim() === '') continue;
    const fields = raw.split(fs);
    if (fields.length !== header.length) {
      throw new PathsFileError(`${where(lineNo)}: expected ${header.length} fields, found ${fields.length}`, lineNo);
    }
    const pathCol = col.get('path')!;
    const pathText = fields[pathCol].trim().replace(/^"(.*)"$/, '$1');
    const path = pathText.split(cs).map((c) => c.trim());
    if (pathText === '' || path.some((c) => c === '')) {
      throw new PathsFileError(`${where(lineNo, pathCol + 1)} (path): empty touchpoint name in "${pathText}"`, lineNo, pathCol + 1);
    }
    const num = (name: string, integer: boolean): number => {
      const c = col.get(name);
      if (c === undefined) return 0;
      const s = fields[c].trim();
      const v = s === '' ? NaN : Number(s);
      if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
        throw new PathsFileError(
          `${where(lineNo, c + 1)} (${name}): expected a non-negative ${integer ? 'integer' : 'number'}, got "${s}"`,
          lineNo,
          c + 1,
        );
      }
      return v;
    };
    out.push({
      path,
      conversions: num('total_conversions', true),
      value: num('total_conversion_value', false),
      nulls: num('total_null', true),
    });
  }
  return out;
}

export function readPathsFile(file: string, options: ParsePathsOptions = {}): PathAggregate[] {
  return parsePathsCsv(readFileSync(file, 'utf8'), { source: file, ...options });
}
