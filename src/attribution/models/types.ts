/**
 * Shared types of the attribution models.
 *
 * Models never see raw events: the store hands them compact path aggregates
 * (one row per distinct ordered path), the same shape as the ChannelAttribution
 * input format (path; total_conversions; total_conversion_value; total_null).
 */

export interface PathAggregate {
  /** Ordered touchpoints (channel, campaign, keyword... names), oldest first. */
  path: string[];
  /** Converting journeys with exactly this path. */
  conversions: number;
  /** Total conversion value of those journeys. */
  value: number;
  /** Non-converting journeys with this path. */
  nulls: number;
  /**
   * Optional, for time decay: for each position, the age of the touch in days before the
   * conversion. When the store groups by (path, ages rounded to 0.01 day) this is exact per group.
   */
  ageDays?: number[];
}

export interface AttributionRow {
  channel: string;
  conversions: number;
  value: number;
  /** conversions / totalConversions (0 when there are no conversions). */
  share: number;
  /** Bootstrap percentile interval of the attributed conversions, when requested. */
  low?: number;
  high?: number;
}

export interface AttributionResult {
  model: string;
  channels: AttributionRow[];
  totalConversions: number;
  totalValue: number;
  notes: string[];
}

export interface BootstrapOptions {
  /** Number of resamples, default 200. */
  samples?: number;
  /** Seed of the resampling PRNG, default 1. */
  seed?: number;
  /** Central interval level, default 0.95. */
  level?: number;
}

/** Options understood by the registry; each model reads the ones it needs. */
export interface ModelOptions {
  /** last_non_direct: the label of the direct touch, default "Direct". */
  directLabel?: string;
  /** time_decay: half-life in days, default 7. */
  halfLifeDays?: number;
  /** position_based: share of the first and of the last touch, default 0.4 each. */
  firstWeight?: number;
  lastWeight?: number;
  /** markov: chain order 1–4, default 1. */
  order?: number;
  /** markov: collapse consecutive repeated channels before building states, default false. */
  collapse?: boolean;
  /** shapley: "simplified" (default) or "conversion_rate". */
  shapleyVariant?: 'simplified' | 'conversion_rate';
  /** Data-driven models (markov, shapley): bootstrap intervals; true means the defaults. */
  bootstrap?: boolean | BootstrapOptions;
}
