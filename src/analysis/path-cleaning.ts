/**
 * Path cleaning rules: an ordered list of `{ pattern, label }` that rewrites step labels before
 * paths are counted (`/product/\d+` → `/product/:id`), so that ids and query strings do not split
 * one page into thousands of nodes. Rules run in the database, one regexp_replace each, in order.
 */
import { z } from 'zod';
import type { QueryBuilder } from '../store/dialect/dialect.ts';
import { ScopeError } from '../scope/scope.ts';

export const cleaningRuleSchema = z.object({
  pattern: z.string().min(1).max(500),
  label: z.string().max(500),
});
export type CleaningRule = z.infer<typeof cleaningRuleSchema>;

// Both engines use RE2, which has no look-around and no back-references: refuse them up front
// instead of letting the query fail with an engine-specific message.
const RE2_UNSUPPORTED: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'look-around assertions are not supported'],
  [/(^|[^\\])\\[1-9]/, 'back-references are not supported'],
  [/\(\?<[A-Za-z]/, 'use (?P<name>…) for named groups'],
];

/**
 * Checks every rule and throws a ScopeError (HTTP 400) naming the first bad one,
 * e.g. `cleaning rule 2 ("/product/(\d+"): invalid regular expression …`.
 */
export function validateCleaningRules(rules: CleaningRule[]): void {
  rules.forEach((rule, i) => {
    const name = `cleaning rule ${i + 1} ("${rule.pattern}")`;
    for (const [re, why] of RE2_UNSUPPORTED) if (re.test(rule.pattern)) throw new ScopeError(`${name}: ${why}`);
    try {
      new RegExp(rule.pattern.replace(/\(\?P</g, '(?<'));
    } catch (error) {
      throw new ScopeError(`${name}: invalid regular expression (${(error as Error).message})`);
    }
  });
}

/** SQL applying the rules in order to a label expression; patterns and labels are bound parameters. */
export function cleanLabelSql(q: QueryBuilder, expr: string, rules: CleaningRule[]): string {
  return rules.reduce((acc, rule) => q.d.regexpReplace(acc, q.str(rule.pattern), q.str(rule.label)), expr);
}

/** Parses the CLI form `PATTERN=LABEL` (split at the last '=', so patterns may contain '='). */
export function parseCleaningRule(text: string): CleaningRule {
  const at = text.lastIndexOf('=');
  if (at <= 0) throw new ScopeError(`cleaning rule "${text}": expected PATTERN=LABEL`);
  return { pattern: text.slice(0, at), label: text.slice(at + 1) };
}

/**
 * Steps that say nothing on their own and split otherwise equal paths: with events as steps, every
 * page call is a "Page Viewed" (every screen call a "Screen Viewed"), so "Product Viewed → Page
 * Viewed → Product Viewed" crowds out what people did. Paths leave them out unless asked to show
 * them, or unless the path is anchored on one.
 */
export const NOISE_STEPS: readonly string[] = ['Page Viewed', 'Screen Viewed'];

/** The noise labels that still count as steps: those a path is anchored on. */
export function noiseSteps(anchors: Array<string | undefined>): string[] {
  return NOISE_STEPS.filter((n) => !anchors.includes(n));
}

/** SQL true for a step that is noise (a bound list; none when every noise label is an anchor). */
export function noiseConditionSql(q: QueryBuilder, labelExpr: string, anchors: Array<string | undefined>): string | null {
  const noise = noiseSteps(anchors);
  return noise.length ? q.d.inArray(labelExpr, q.list(noise)) : null;
}
