/**
 * Journey stage rules → SQL. A person's entry into a stage is the earliest event matching one of
 * its rules. Plain rules are folded into one conditional aggregation per person (one pass over
 * the events); rules that need the nth match or an earlier stage's entry become small filtered
 * subqueries joined onto it.
 */
import type { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Journey, StageRule, TouchpointConfig } from './definition.ts';
import { propertyFilterSql } from '../scope/filters.ts';
import { type AnalysisScope, SURVEY_EVENT, scopedEvents } from '../scope/scope.ts';

/** The earlier of two nullable timestamps (NULL only when both are), the same on both engines. */
export function minNullable(a: string, b: string): string {
  return `CASE WHEN ${a} IS NULL THEN ${b} WHEN ${b} IS NULL THEN ${a} WHEN ${a} <= ${b} THEN ${a} ELSE ${b} END`;
}

/** The boolean condition of one rule over an events row (`alias` like 'e.' or ''). */
export function ruleConditionSql(q: QueryBuilder, rule: StageRule, alias = ''): string {
  const d = q.d;
  const parts: string[] = [];
  if (rule.events) parts.push(d.inArray(`${alias}event`, q.list(rule.events)));
  if (rule.channels) parts.push(d.inArray(`${alias}channel`, q.list(rule.channels)));
  if (rule.anyChannel) parts.push(`${alias}channel <> ''`);
  if (rule.anyEvent) parts.push('1 = 1');
  if (rule.pathRegex) parts.push(d.regexpMatches(`${alias}path`, q.str(rule.pathRegex)));
  if (rule.urlRegex) parts.push(d.regexpMatches(`${alias}url`, q.str(rule.urlRegex)));
  for (const f of rule.properties ?? []) parts.push(propertyFilterSql(q, f, { alias }));
  return parts.map((p) => `(${p})`).join(' AND ');
}

/**
 * The channel of a touchpoint. Internal navigation and direct visits both arrive as 'Direct' and
 * cannot be told apart per event, so both count as the site's own channel (defaultChannel), as do
 * server-side events without a channel unless their name implies one (Email Opened → Email).
 * Channels that came with the event (paid, social, Phone, Customer Service…) are kept.
 */
export function touchChannelSql(q: QueryBuilder, cfg: TouchpointConfig, alias = ''): string {
  const entries = Object.entries(cfg.eventChannels);
  const implied = entries.map(([event, ch]) => `WHEN ${alias}event = ${q.str(event)} THEN ${q.str(ch)}`).join(' ');
  return `CASE WHEN ${alias}channel NOT IN ('', 'Direct') THEN ${alias}channel ${implied} ELSE ${q.str(cfg.defaultChannel)} END`;
}

/** 'Paid Search · Page Viewed' */
export function touchpointLabel(channel: string, event: string): string {
  return `${channel} · ${event}`;
}

export interface StageEntryOptions {
  /** Extra per-person aggregates over the same events, e.g. `count(*) AS n_events`. */
  extraAggregates?: string[];
}

/**
 * SELECT person_id, entry_0 … entry_{S-1} (NULL when never entered), plus extra aggregates,
 * one row per person of `events` (a relation text such as a scopedEvents subquery).
 */
export function stageEntriesSql(q: QueryBuilder, journey: Journey, events: string, options: StageEntryOptions = {}): string {
  const d = q.d;
  const plain: string[][] = journey.stages.map(() => []);
  const joins: string[] = [];
  const joined: string[][] = journey.stages.map(() => []);
  let sub = 0;

  // Entry of a stage from its own rules only, as a small relation (for `after` rules).
  const stageOnly = (index: number): string => {
    const s = journey.stages[index]!;
    const branches = s.rules.map((r) =>
      r.minOccurrence > 1
        ? nthSql(r, events, ruleConditionSql(q, r))
        : `SELECT person_id, timestamp AS rule_ts FROM ${events} AS so WHERE ${ruleConditionSql(q, r)}`,
    );
    return `SELECT person_id, min(rule_ts) AS target_ts FROM (${branches.join(' UNION ALL ')}) AS sb GROUP BY person_id`;
  };

  function nthSql(rule: StageRule, from: string, cond: string): string {
    const ranked = `SELECT person_id, timestamp AS match_ts, row_number() OVER (PARTITION BY person_id ORDER BY timestamp, message_id) AS match_no FROM ${from} AS nm WHERE ${cond}`;
    return `SELECT person_id, min(match_ts) AS rule_ts FROM (${ranked}) AS nr WHERE match_no = ${q.num(rule.minOccurrence)} GROUP BY person_id`;
  }

  journey.stages.forEach((stage, s) => {
    for (const rule of stage.rules) {
      if (rule.after === undefined && rule.minOccurrence === 1) {
        plain[s]!.push(ruleConditionSql(q, rule));
        continue;
      }
      let relation: string;
      if (rule.after === undefined) relation = nthSql(rule, events, ruleConditionSql(q, rule));
      else {
        const target = journey.stages.findIndex((x) => x.id === rule.after);
        const cond2 = ruleConditionSql(q, rule, 'ae.');
        const afterEvents = `(SELECT ae.person_id AS person_id, ae.timestamp AS timestamp, ae.message_id AS message_id FROM ${events} AS ae JOIN (${stageOnly(target)}) AS tg ON tg.person_id = ae.person_id WHERE ae.timestamp >= tg.target_ts AND ${cond2})`;
        relation =
          rule.minOccurrence > 1
            ? nthSql(rule, afterEvents, '1 = 1')
            : `SELECT person_id, min(timestamp) AS rule_ts FROM ${afterEvents} AS am GROUP BY person_id`;
      }
      const alias = `x${sub++}`;
      joins.push(`LEFT JOIN (${relation}) AS ${alias} ON ${alias}.person_id = p.person_id`);
      joined[s]!.push(`${alias}.rule_ts`);
    }
  });

  const aggregates = journey.stages.map((_, s) =>
    plain[s]!.length > 0
      ? `${d.minIf('timestamp', plain[s]!.map((c) => `(${c})`).join(' OR '))} AS plain_${s}`
      : `${d.minIf('timestamp', '1 = 0')} AS plain_${s}`,
  );
  const extra = options.extraAggregates ?? [];
  const pass1 = `SELECT person_id, ${[...aggregates, ...extra].join(', ')} FROM ${events} AS ev1 GROUP BY person_id`;
  const extraNames = extra.map(
    (a) =>
      `p.${a
        .split(/\s+AS\s+/i)
        .pop()!
        .trim()}`,
  );
  const entries = journey.stages.map((_, s) => {
    let expr = `p.plain_${s}`;
    for (const col of joined[s]!) expr = minNullable(expr, col);
    return `${expr} AS entry_${s}`;
  });
  return `SELECT p.person_id AS person_id, ${[...entries, ...extraNames].join(', ')} FROM (${pass1}) AS p ${joins.join(' ')}`;
}

/**
 * The stage a person is in at `ts`: the furthest stage (by the journey's order) entered at or
 * before it, -1 before the first. `entries` is the alias of a stageEntriesSql row.
 */
export function stageAtSql(stageCount: number, entries: string, ts: string): string {
  const whens: string[] = [];
  for (let s = stageCount - 1; s >= 0; s--) whens.push(`WHEN ${entries}.entry_${s} <= ${ts} THEN ${s}`);
  return `CASE ${whens.join(' ')} ELSE -1 END`;
}

/**
 * Every survey response in scope with the stage its respondent was in when responding
 * (`stage_no`, -1 before any stage): the one definition of "feedback in a stage", used by the
 * journey map and the feedback report alike. Stage entries come from all of the scope's events,
 * so the answer is the same wherever it is read. Columns: message_id, person_id, timestamp,
 * properties, stage_no.
 */
export function surveyStagesSql(q: QueryBuilder, journey: Journey, scope: AnalysisScope): string {
  const surveys = scopedEvents(q, scope, { extraWhere: [`event = '${SURVEY_EVENT}'`] });
  const entries = stageEntriesSql(q, journey, scopedEvents(q, scope));
  return `SELECT e.message_id AS message_id, e.person_id AS person_id, e.timestamp AS timestamp, e.properties AS properties, ${stageAtSql(journey.stages.length, 'n', 'e.timestamp')} AS stage_no
FROM ${surveys} AS e JOIN (${entries}) AS n ON n.person_id = e.person_id`;
}
