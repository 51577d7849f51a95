/** Helpers shared by the models: totals, validation and result assembly. */
import type { AttributionResult, AttributionRow, PathAggregate } from './types.ts';

/** Where credit goes for a converting journey with no touchpoint, so totals still add up. */
export const NO_TOUCH = '(no touchpoint)';

export interface Totals {
  conversions: number;
  value: number;
  nulls: number;
}

export function totals(paths: PathAggregate[]): Totals {
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  for (const p of paths) {
    conversions += p.conversions;
    value += p.value;
    nulls += p.nulls;
  }
  return { conversions, value, nulls };
}

export function validatePaths(paths: PathAggregate[]): void {
  paths.forEach((p, i) => {
    if (!Array.isArray(p.path)) throw new Error(`path aggregate ${i}: path must be an array of touchpoint names`);
    for (const [field, v] of [
      ['conversions', p.conversions],
      ['value', p.value],
      ['nulls', p.nulls],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`path aggregate ${i} (${p.path.join(' > ')}): ${field} must be a finite number, got ${String(v)}`);
      }
      if (field !== 'value' && v < 0) {
        throw new Error(`path aggregate ${i} (${p.path.join(' > ')}): ${field} must be non-negative, got ${v}`);
      }
    }
  });
}

/** Accumulates (conversions, value) credit per channel, keeping first-seen order for ties. */
export class Credit {
  readonly conv = new Map<string, number>();
  readonly val = new Map<string, number>();

  add(channel: string, conversions: number, value: number): void {
    this.conv.set(channel, (this.conv.get(channel) ?? 0) + conversions);
    this.val.set(channel, (this.val.get(channel) ?? 0) + value);
  }

  /** Makes a channel appear in the result even with zero credit. */
  touch(channel: string): void {
    if (!this.conv.has(channel)) this.add(channel, 0, 0);
  }
}

/** Every distinct touchpoint, in order of first appearance. */
export function channelsOf(paths: PathAggregate[]): string[] {
  const seen = new Set<string>();
  for (const p of paths) for (const c of p.path) seen.add(c);
  return [...seen];
}

export function buildResult(model: string, paths: PathAggregate[], credit: Credit, notes: string[]): AttributionResult {
  const t = totals(paths);
  const channels: AttributionRow[] = [...credit.conv.keys()].map((channel) => {
    const conversions = credit.conv.get(channel) ?? 0;
    return {
      channel,
      conversions,
      value: credit.val.get(channel) ?? 0,
      share: t.conversions > 0 ? conversions / t.conversions : 0,
    };
  });
  channels.sort((a, b) => b.conversions - a.conversions || b.value - a.value || a.channel.localeCompare(b.channel));
  return { model, channels, totalConversions: t.conversions, totalValue: t.value, notes };
}

/**
 * Runs a single-touch or per-path splitting rule: `split` returns per-position weights
 * summing to 1 for a non-empty path. Empty converting paths go to NO_TOUCH.
 */
export function splitModel(
  model: string,
  paths: PathAggregate[],
  split: (p: PathAggregate, index: number) => number[],
  notes: string[] = [],
): AttributionResult {
  validatePaths(paths);
  const credit = new Credit();
  for (const c of channelsOf(paths)) credit.touch(c);
  let empty = 0;
  paths.forEach((p, i) => {
    if (p.conversions === 0 && p.value === 0) return;
    if (p.path.length === 0) {
      empty += p.conversions;
      credit.add(NO_TOUCH, p.conversions, p.value);
      return;
    }
    const w = split(p, i);
    for (let k = 0; k < p.path.length; k++) {
      if (w[k] !== 0) credit.add(p.path[k], p.conversions * w[k], p.value * w[k]);
    }
  });
  if (empty > 0) notes.push(`${empty} conversions had no touchpoint and are credited to "${NO_TOUCH}"`);
  return buildResult(model, paths, credit, notes);
}
