/**
 * Annotations on time charts: notes users add (campaign launches, anything worth marking) as
 * documents (kind "annotation"), shown together with initiatives' ship dates and the anomaly
 * alerts raised by subscriptions, so every time chart can draw one list.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { listAlerts } from '../anomalies/anomalies.ts';
import { initiativeAnnotations } from '../initiatives/initiatives.ts';
import { deleteDocument, getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './comments.ts';

export const ANNOTATION_KIND = 'annotation';
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const annotationInputSchema = z.object({
  date: isoDay,
  endDate: isoDay.optional(),
  label: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  kind: z.enum(['campaign', 'note']).default('note'),
  /** Charts it belongs to (KPI names); empty: every time chart. */
  charts: z.array(z.string()).default([]),
});

export interface ChartAnnotation {
  id: string;
  date: string;
  endDate?: string;
  kind: 'campaign' | 'note' | 'initiative' | 'anomaly';
  label: string;
  description: string;
  charts: string[];
  author?: Actor;
}

export async function addAnnotation(store: Store, projectId: string, author: Actor, input: unknown): Promise<ChartAnnotation> {
  const body = annotationInputSchema.parse(input);
  const annotation: ChartAnnotation = { id: randomUUID(), ...body, author };
  const { id, ...stored } = annotation;
  await putDocument(store, ANNOTATION_KIND, projectId, id, stored);
  return annotation;
}

export async function removeAnnotation(store: Store, projectId: string, id: string): Promise<boolean> {
  if (!(await getDocument(store, ANNOTATION_KIND, projectId, id))) return false;
  await deleteDocument(store, ANNOTATION_KIND, projectId, id);
  return true;
}

/** Every marker for time charts in [from, to] (ISO days, inclusive), optionally one chart's. */
export async function listAnnotations(
  store: Store,
  projectId: string,
  filter: { from?: string; to?: string; chart?: string } = {},
): Promise<ChartAnnotation[]> {
  const own: ChartAnnotation[] = (await listDocuments<Omit<ChartAnnotation, 'id'>>(store, ANNOTATION_KIND, projectId)).map((d) => ({
    ...d.body,
    id: d.id,
  }));
  const initiatives: ChartAnnotation[] = (await initiativeAnnotations(store, projectId)).map((a) => ({
    id: `initiative:${a.id}`,
    date: a.date.slice(0, 10),
    ...(a.endDate ? { endDate: a.endDate.slice(0, 10) } : {}),
    kind: 'initiative' as const,
    label: a.label,
    description: a.description,
    charts: [],
  }));
  const anomalies: ChartAnnotation[] = (await listAlerts(store, projectId)).map((a) => ({
    id: `anomaly:${a.id}`,
    date: a.date,
    kind: 'anomaly' as const,
    label: `${a.kpi} ${a.size >= 0 ? '+' : ''}${a.relativeSize === null ? a.size.toFixed(1) : `${(a.relativeSize * 100).toFixed(0)}%`}`,
    description: a.rootCauses[0] ? `mostly ${a.rootCauses[0].dimension} ${a.rootCauses[0].value}` : '',
    charts: [a.kpi],
  }));
  return [...own, ...initiatives, ...anomalies]
    .filter((a) => (filter.from ? (a.endDate ?? a.date) >= filter.from : true))
    .filter((a) => (filter.to ? a.date <= filter.to : true))
    .filter((a) => (filter.chart ? a.charts.length === 0 || a.charts.includes(filter.chart) : true))
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
}
