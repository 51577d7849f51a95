/**
 * Registry of the attribution models and a side-by-side comparison.
 */
import { firstTouch } from './first-touch.ts';
import { lastTouch } from './last-touch.ts';
import { lastNonDirect } from './last-non-direct.ts';
import { linear } from './linear.ts';
import { timeDecay } from './time-decay.ts';
import { positionBased } from './position-based.ts';
import { markov } from './markov.ts';
import { shapley } from './shapley.ts';
import type { AttributionResult, ModelOptions, PathAggregate } from './types.ts';

export type { AttributionResult, AttributionRow, ModelOptions, PathAggregate, BootstrapOptions } from './types.ts';
export { buildMarkovChain, markovRemovalEffects } from './markov.ts';
export { shapleyValues } from './shapley.ts';
export { makeSyntheticPaths } from './synthetic.ts';

export type ModelFn = (paths: PathAggregate[], options?: ModelOptions) => AttributionResult;

export const MODELS = {
  first_touch: firstTouch,
  last_touch: lastTouch,
  last_non_direct: lastNonDirect,
  linear,
  time_decay: timeDecay,
  position_based: positionBased,
  markov,
  shapley,
} satisfies Record<string, ModelFn>;

export type ModelName = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];

export function isModelName(name: string): name is ModelName {
  return Object.prototype.hasOwnProperty.call(MODELS, name);
}

export function runModel(name: string, paths: PathAggregate[], options: ModelOptions = {}): AttributionResult {
  if (!isModelName(name)) {
    throw new Error(`unknown attribution model "${name}"; expected one of ${MODEL_NAMES.join(', ')}`);
  }
  return MODELS[name](paths, options);
}

export interface Disagreement {
  channel: string;
  /** Share of conversions under each model that ran. */
  shares: Record<string, number>;
  /** Rank (1 = most credited) under each model that ran. */
  ranks: Record<string, number>;
  minShare: number;
  maxShare: number;
  /** maxShare − minShare. */
  spread: number;
  minModel: string;
  maxModel: string;
}

export interface Comparison {
  results: AttributionResult[];
  /** Models that could not run on these paths (e.g. time_decay without ages), with the reason. */
  skipped: { model: string; reason: string }[];
  /** Touchpoints sorted by how much the models disagree on their share, largest first. */
  disagreements: Disagreement[];
}

/**
 * Runs every model (or `models`) and ranks touchpoints under each. time_decay runs only when
 * every converting path has ages; a model that fails is reported in `skipped`, not thrown.
 */
export function compareModels(paths: PathAggregate[], options: ModelOptions & { models?: string[] } = {}): Comparison {
  const names = options.models ?? MODEL_NAMES;
  const results: AttributionResult[] = [];
  const skipped: { model: string; reason: string }[] = [];
  for (const name of names) {
    if (name === 'time_decay' && paths.some((p) => p.conversions > 0 && !p.ageDays)) {
      skipped.push({ model: name, reason: 'paths have no touch ages (ageDays)' });
      continue;
    }
    try {
      results.push(runModel(name, paths, options));
    } catch (e) {
      skipped.push({ model: name, reason: (e as Error).message });
    }
  }
  const channels = new Set<string>();
  for (const r of results) for (const row of r.channels) channels.add(row.channel);
  const disagreements: Disagreement[] = [...channels].map((channel) => {
    const shares: Record<string, number> = {};
    const ranks: Record<string, number> = {};
    let minShare = Infinity;
    let maxShare = -Infinity;
    let minModel = '';
    let maxModel = '';
    for (const r of results) {
      const i = r.channels.findIndex((row) => row.channel === channel);
      const share = i >= 0 ? r.channels[i].share : 0;
      shares[r.model] = share;
      ranks[r.model] = i >= 0 ? i + 1 : r.channels.length + 1;
      if (share < minShare) [minShare, minModel] = [share, r.model];
      if (share > maxShare) [maxShare, maxModel] = [share, r.model];
    }
    return { channel, shares, ranks, minShare, maxShare, spread: maxShare - minShare, minModel, maxModel };
  });
  disagreements.sort((a, b) => b.spread - a.spread || a.channel.localeCompare(b.channel));
  return { results, skipped, disagreements };
}
