/**
 * The previous-period comparison's wording, one for every view: each view loads its analysis a
 * second time over previousRange(f) (data.ts) while the filter's "Compare with previous period"
 * is on, and shows the earlier figure beside the headline one with the change.
 */
import { fmtChange } from './format.ts';

/** " · previous period X (change)" when comparing; "–" when the previous period has no figure. */
export function versusPrevious(
  compare: boolean,
  now: number | undefined | null,
  before: number | undefined | null,
  fmt: (v: number) => string,
  diff: (v: number) => string,
): string {
  if (!compare) return '';
  if (before === undefined || before === null) return ' · previous period –';
  return ` · previous period ${fmt(before)}${now === undefined || now === null ? '' : ` (${diff(now - before)})`}`;
}

/** A count's or an amount's change relative to the previous period ("+5.2%"), given the difference. */
export const relativeTo =
  (before: number | undefined | null) =>
  (difference: number): string =>
    fmtChange(before ? difference / before : null);
