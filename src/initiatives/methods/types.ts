// Shared shapes for the initiative lift methods. The database layer hands these
// compact daily series; every method returns a LiftEstimate.

export interface DailyPoint {
  date: string /* YYYY-MM-DD */;
  value: number;
  /** e.g. visitors, when `value` is a rate */
  weight?: number;
}

export interface UnitSeries {
  unit: string;
  treated: boolean;
  points: DailyPoint[];
}

export interface IntervalEstimate {
  estimate: number;
  low: number;
  high: number;
}

/** One day of the treated KPI against the method's counterfactual (interval on the counterfactual). */
export interface LiftPoint {
  date: string;
  actual: number;
  counterfactual: number;
  low: number;
  high: number;
  /** actual − counterfactual */
  lift: number;
  post: boolean;
  /** Exposure of the treated series that day (sum of treated weights), when weights were given. */
  exposure?: number;
}

export type LiftMethod = 'did' | 'forecast' | 'synthetic_control';

export interface LiftEstimate {
  method: LiftMethod;
  shipDate: string;
  /** Confidence level of every interval, e.g. 0.95. */
  level: number;
  /** Mean per-day lift over the post-period, in KPI units (per treated unit). */
  averageLift: IntervalEstimate & { se: number; pValue: number };
  /** Sum of the daily lift over the post-period (per treated unit). */
  cumulativeLift: IntervalEstimate;
  /** averageLift relative to the mean post-period counterfactual. */
  relativeLift: IntervalEstimate | null;
  /** Pre- and post-period days of the treated KPI against the counterfactual. */
  series: LiftPoint[];
  postDays: number;
  /** Number of treated units the per-unit lift applies to (1 for a single treated series). */
  treatedUnits: number;
  /**
   * Joint simulation draws of the daily post-period lift (draw × post day), when the
   * method simulates; downstream figures (ROI) propagate through them.
   */
  draws?: number[][];
  assumptions: string[];
  warnings: string[];
}
