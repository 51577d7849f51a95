/**
 * Survey responses ('Survey Responded') with everything the journey map, the feedback report and
 * the voice-of-the-customer analysis read: the stage the respondent was in when responding (the
 * one shared definition, surveyStagesSql), the touchpoint, the score and the comment.
 *
 * - touchpoint: properties.touchpoint, else the name of the person's latest track event before the
 *   response (surveys, page/screen views and identify left out; 30 days of history before the
 *   range are looked at), else '(none)'.
 * - normalised score 0–1: NPS score/10, CSAT and other 1–5 surveys (score−1)/4.
 */
import type { Journey } from '../journeys/definition.ts';
import { surveyStagesSql } from '../journeys/stage-sql.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, SURVEY_EVENT, scopedEvents } from '../scope/scope.ts';

export interface SurveyResponse {
  messageId: string;
  personId: string;
  timestamp: string;
  /** Index of the journey stage the respondent was in, −1 before the first. */
  stageNo: number;
  survey: string;
  score: number | null;
  comment: string;
  touchpoint: string;
}

const LOOKBACK_MS = 30 * 86_400_000;

export function normalisedScore(survey: string, score: number | null): number | null {
  if (score === null) return null;
  return survey === 'NPS' ? score / 10 : (score - 1) / 4;
}

export async function loadResponses(store: Store, scope: AnalysisScope, journey: Journey): Promise<SurveyResponse[]> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  const events = scopedEvents(q, { ...scope, from: new Date(scope.from.getTime() - LOOKBACK_MS) });
  const touch = `CASE WHEN type = 'track' AND event <> '${SURVEY_EVENT}' THEN event ELSE NULL END`;
  const staged = surveyStagesSql(q, journey, scope);
  const sql = `SELECT r.message_id AS message_id, r.person_id AS person_id, r.timestamp AS ts, st.stage_no AS stage_no,
  ${d.jsonString('r.properties', ['survey'])} AS survey, ${d.jsonNumber('r.properties', ['score'])} AS score,
  trim(${d.jsonString('r.properties', ['comment'])}) AS comment,
  coalesce(nullif(${d.jsonString('r.properties', ['touchpoint'])}, ''), r.prev_event, '(none)') AS touchpoint
FROM (
  SELECT message_id, person_id, event, timestamp, properties,
    ${d.lastNonNullOver(touch, 'PARTITION BY person_id ORDER BY timestamp, message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING')} AS prev_event
  FROM ${events} AS e
) AS r
JOIN (${staged}) AS st ON st.message_id = r.message_id
WHERE r.event = '${SURVEY_EVENT}' AND r.timestamp >= ${q.time(scope.from)}
ORDER BY r.timestamp, r.message_id`;
  const rows = await store.query(q.build(sql));
  return rows.map((r) => ({
    messageId: String(r.message_id),
    personId: String(r.person_id),
    timestamp: String(r.ts),
    stageNo: Number(r.stage_no),
    survey: String(r.survey ?? ''),
    score: r.score === null || r.score === undefined ? null : Number(r.score),
    comment: String(r.comment ?? ''),
    touchpoint: String(r.touchpoint),
  }));
}
