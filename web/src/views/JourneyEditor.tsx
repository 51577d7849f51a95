/**
 * Visual editors for journey stages and personas (Settings). Rules are picked from the project's
 * own event names and property keys (GET /api/v1/vocabulary/events|properties); every change is
 * previewed with live counts (POST /api/v1/journeys/preview for a draft journey and each of its
 * rules, POST /api/v1/personas/preview for a draft persona) before it is saved. The JSON of the
 * draft stays one click away for what the form does not cover (channels, path patterns, after).
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  JsonInput,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Journey, StageRule } from '../../../src/journeys/definition.ts';
import type { EventName, PropertyKey } from '../../../src/journeys/vocabulary.ts';
import { api, ApiError, get, post } from '../api.ts';
import { useData, useSession } from '../data.ts';

type Draft = Omit<Journey, 'id'> & { id?: string };
type Rule = Partial<StageRule>;
type Filter = { property: string; op: string; value?: string | number | string[] };
type SegmentRule = { kind: string; [k: string]: unknown };
type Segment = { match: 'all' | 'any'; rules: SegmentRule[] };

const FILTER_OPS = ['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists'];
const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);
const errorText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** A stage id from its name: lowercase letters, digits and -, starting with a letter (the server's rule). */
export function slug(name: string, taken: string[]): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+$/, '')
      .slice(0, 32) || 'stage';
  let id = base;
  for (let k = 2; taken.includes(id); k++) id = `${base}-${k}`;
  return id;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card withBorder radius="md" p="md" component="section" aria-label={title} style={{ gridColumn: '1 / -1' }}>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function Status({ msg }: { msg: { ok: boolean; text: string } | null }) {
  if (!msg) return null;
  return (
    <Text size="sm" c={msg.ok ? 'teal' : 'red'} role="status">
      {msg.text}
    </Text>
  );
}

/** The project's event names with their person counts, for pickers. */
function useVocabulary() {
  const events = useData('editor-events', (s) => get<{ events: EventName[] }>('/api/v1/vocabulary/events', s).then((r) => r.events));
  const options = useMemo(
    () =>
      (events.data ?? [])
        .filter((e) => !['identify', 'alias', 'group'].includes(e.type))
        .map((e) => ({ value: e.event, label: `${e.event} (${fmt(e.persons)})` })),
    [events.data],
  );
  return { events: events.data ?? [], options };
}

/** Live count of one draft rule: persons and events it matches. */
function RuleCount({ rule }: { rule: Rule }) {
  const [debounced] = useDebouncedValue(rule, 300);
  const key = JSON.stringify(debounced);
  const count = useData(`rule-preview:${key}`, (s) =>
    post<{ rule: { persons: number; events: number } }>('/api/v1/journeys/preview', { rule: debounced }, s),
  );
  if (count.error)
    return (
      <Text size="xs" c="red">
        {errorText(count.error)}
      </Text>
    );
  if (!count.data)
    return (
      <Text size="xs" c="dimmed">
        …
      </Text>
    );
  return (
    <Text size="xs" c="dimmed" data-testid="rule-count" data-stale={count.stale ? '1' : undefined}>
      matches {fmt(count.data.rule.persons)} persons · {fmt(count.data.rule.events)} events
    </Text>
  );
}

function RuleEditor({
  rule,
  label,
  options,
  onChange,
  onRemove,
}: {
  rule: Rule;
  label: string;
  options: Array<{ value: string; label: string }>;
  onChange: (r: Rule) => void;
  onRemove?: () => void;
}) {
  const filter = (rule.properties?.[0] ?? null) as Filter | null;
  const firstEvent = rule.events?.[0];
  const props = useData(filter ? `editor-props:${firstEvent ?? ''}` : null, (s) =>
    get<{ keys: PropertyKey[] }>(`/api/v1/vocabulary/properties${firstEvent ? `?event=${encodeURIComponent(firstEvent)}` : ''}`, s),
  );
  const keys = (props.data?.keys ?? []).map((k) => k.key);
  const values =
    (props.data?.keys ?? []).find((k) => `properties.${k.key}` === filter?.property || k.key === filter?.property)?.topValues ?? [];
  const setFilter = (f: Filter | null) => {
    const rest = (rule.properties ?? []).slice(1);
    const properties = f ? [f, ...rest] : rest;
    const { properties: _p, ...without } = rule;
    onChange(properties.length ? { ...without, properties: properties as StageRule['properties'] } : without);
  };
  const other = [
    rule.channels && `channels ${rule.channels.join(', ')}`,
    rule.anyChannel && 'any channel',
    rule.pathRegex && `path /${rule.pathRegex}/`,
    rule.urlRegex && `url /${rule.urlRegex}/`,
    rule.after && `after ${rule.after}`,
  ].filter(Boolean);
  return (
    <Paper withBorder p="xs" radius="sm" aria-label={label} role="group">
      <Group align="flex-end" gap="xs" wrap="wrap">
        <MultiSelect
          label="Events"
          size="xs"
          data={
            options.some((o) => (rule.events ?? []).includes(o.value)) || !rule.events
              ? options
              : [...options, ...rule.events.map((e) => ({ value: e, label: e }))]
          }
          value={rule.events ?? []}
          onChange={(events) => {
            const { events: _e, ...without } = rule;
            onChange(events.length ? { ...without, events } : without);
          }}
          searchable
          placeholder={rule.events?.length ? undefined : 'Pick events'}
          disabled={rule.anyEvent}
          miw={200}
          style={{ flex: 1 }}
        />
        <Checkbox
          label="Any event"
          size="xs"
          checked={rule.anyEvent ?? false}
          onChange={(e) => {
            const { anyEvent: _a, ...without } = rule;
            onChange(e.currentTarget.checked ? { ...without, anyEvent: true } : without);
          }}
        />
        <NumberInput
          label="Occurrence"
          description="2 = a repeat"
          size="xs"
          min={1}
          max={100}
          w={100}
          value={rule.minOccurrence ?? 1}
          onChange={(v) => onChange({ ...rule, minOccurrence: Math.max(1, Number(v) || 1) })}
        />
        {!filter && (
          <Button size="compact-xs" variant="subtle" onClick={() => setFilter({ property: '', op: 'eq', value: '' })}>
            + property condition
          </Button>
        )}
        {onRemove && (
          <Button size="compact-xs" variant="subtle" color="red" onClick={onRemove} aria-label={`Remove ${label}`}>
            Remove rule
          </Button>
        )}
      </Group>
      {filter && (
        <Group align="flex-end" gap="xs" mt={6}>
          <Select
            label="Property"
            size="xs"
            data={[...new Set([...keys, ...(filter.property ? [filter.property.replace(/^properties\./, '')] : [])])]}
            value={filter.property ? filter.property.replace(/^properties\./, '') : null}
            onChange={(k) => setFilter({ ...filter, property: k ? `properties.${k}` : '' })}
            searchable
            w={180}
          />
          <Select
            label="Operator"
            size="xs"
            data={FILTER_OPS}
            value={filter.op}
            onChange={(op) => setFilter({ ...filter, op: op ?? 'eq', ...(op === 'exists' ? { value: undefined } : {}) })}
            allowDeselect={false}
            w={100}
          />
          {filter.op !== 'exists' && (
            <Select
              label="Value"
              size="xs"
              data={[
                ...new Set([
                  ...values.map((v) => v.value),
                  ...(filter.value !== undefined && filter.value !== '' ? [String(filter.value)] : []),
                ]),
              ]}
              value={filter.value === undefined || filter.value === '' ? null : String(filter.value)}
              onChange={(v) => {
                const n = Number(v);
                setFilter({ ...filter, value: ['gt', 'gte', 'lt', 'lte'].includes(filter.op) && Number.isFinite(n) ? n : (v ?? '') });
              }}
              searchable
              w={180}
            />
          )}
          <Button size="compact-xs" variant="subtle" color="red" onClick={() => setFilter(null)}>
            Remove condition
          </Button>
        </Group>
      )}
      <Group gap="xs" mt={4}>
        <RuleCount rule={rule} />
        {other.length > 0 && (
          <Text size="xs" c="dimmed">
            also: {other.join('; ')} (edit in JSON)
          </Text>
        )}
      </Group>
    </Paper>
  );
}

/** The draft journey's persons per stage, as the journey map would count them, over all data. */
function JourneyPreview({ draft }: { draft: Draft }) {
  const [debounced] = useDebouncedValue(draft, 400);
  const preview = useData(`journey-preview:${JSON.stringify(debounced)}`, (s) =>
    post<{ journey: { persons: number; stages: Array<{ id: string; entered: number }> } }>(
      '/api/v1/journeys/preview',
      { journey: debounced },
      s,
    ),
  );
  if (preview.error)
    return (
      <Text size="sm" c="red" role="alert">
        {errorText(preview.error)}
      </Text>
    );
  if (!preview.data)
    return (
      <Text size="sm" c="dimmed">
        Counting…
      </Text>
    );
  const { persons, stages } = preview.data.journey;
  return (
    <Stack gap={4} aria-label="Live stage counts" data-stale={preview.stale ? '1' : undefined} data-testid="journey-preview">
      <Text size="sm">
        <b data-testid="preview-persons">{fmt(persons)}</b> persons in all data
      </Text>
      {stages.map((s) => {
        const name = draft.stages.find((x) => x.id === s.id)?.name ?? s.id;
        const share = persons > 0 ? s.entered / persons : 0;
        return (
          <Group key={s.id} gap="xs" wrap="nowrap">
            <Text size="sm" w={140} truncate>
              {name}
            </Text>
            <div style={{ flex: 1, background: 'var(--mantine-color-gray-1)', borderRadius: 3, height: 10 }}>
              <div style={{ width: `${share * 100}%`, background: 'var(--mantine-color-blue-5)', height: 10, borderRadius: 3 }} />
            </div>
            <Badge variant="light" data-testid={`stage-count-${s.id}`}>
              {fmt(s.entered)}
            </Badge>
          </Group>
        );
      })}
    </Stack>
  );
}

export function JourneyStageEditor() {
  const s = useSession();
  const canEdit = s.user.role !== 'viewer';
  const { options } = useVocabulary();
  // With nothing stored the project runs on the built-in template, listed as in use but not deletable.
  const stored = useData('editor-journeys', (sig) => get<{ journeys: Journey[]; template: Journey }>('/api/v1/journeys', sig));
  const builtInOnly = stored.data?.journeys.length === 1 && stored.data.journeys[0]!.id === stored.data.template.id;
  const templates = useData('editor-templates', (sig) =>
    get<{ templates: Journey[] }>('/api/v1/journeys/templates', sig).then((r) => r.templates),
  );
  const sources = useMemo(() => {
    const out: Array<{ value: string; label: string; journey: Journey }> = [];
    for (const j of stored.data?.journeys ?? []) out.push({ value: `journey:${j.id}`, label: `${j.name} (in use)`, journey: j });
    for (const j of templates.data ?? []) out.push({ value: `template:${j.id}`, label: `Template: ${j.name}`, journey: j });
    return out;
  }, [stored.data, templates.data]);
  const [source, setSource] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [json, setJson] = useState<string | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    // Start from the journey the analyses use until the user picks something else.
    // (also after a delete: the message saying so stays)
    if (draft === null && sources.length > 0) pick(sources[0]!.value, true);
  }, [sources]); // eslint-disable-line react-hooks/exhaustive-deps

  function pick(value: string | null, keepMessage = false) {
    setSource(value);
    const found = sources.find((x) => x.value === value);
    if (!found) return;
    const copy = JSON.parse(JSON.stringify(found.journey)) as Draft;
    // A template becomes a new journey of the project; a saved journey is edited in place.
    if (value!.startsWith('template:')) delete copy.id;
    setDraft(copy);
    setJson(null);
    if (!keepMessage) setMsg(null);
  }

  if (!draft)
    return (
      <Section title="Journey stage editor">
        {stored.error || templates.error ? (
          <Text c="red">{errorText(stored.error ?? templates.error)}</Text>
        ) : (
          <Text size="sm" c="dimmed">
            Loading…
          </Text>
        )}
        <Status msg={msg} />
      </Section>
    );

  const setStage = (i: number, patch: Partial<Draft['stages'][number]>) =>
    setDraft({ ...draft, stages: draft.stages.map((st, k) => (k === i ? { ...st, ...patch } : st)) });
  const move = (i: number, by: number) => {
    const stages = [...draft.stages];
    const [st] = stages.splice(i, 1);
    stages.splice(i + by, 0, st!);
    setDraft({ ...draft, stages });
  };

  return (
    <Section title="Journey stage editor">
      <Stack gap="sm">
        <Group align="flex-end" gap="xs">
          <Select
            label="Start from"
            size="xs"
            data={sources.map(({ value, label }) => ({ value, label }))}
            value={source}
            onChange={(v) => pick(v)}
            w={300}
            allowDeselect={false}
          />
          <TextInput
            label="Journey name"
            size="xs"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            w={260}
          />
          <Button size="xs" variant="default" onClick={() => setJson(json === null ? JSON.stringify(draft, null, 2) : null)}>
            {json === null ? 'Edit as JSON' : 'Back to the form'}
          </Button>
        </Group>
        <Group align="flex-start" gap="md" wrap="wrap">
          <Stack gap="sm" style={{ flex: '3 1 420px', minWidth: 0 }}>
            {json !== null ? (
              <Stack gap="xs">
                <JsonInput
                  label="Journey (JSON)"
                  value={json}
                  onChange={setJson}
                  autosize
                  minRows={10}
                  maxRows={30}
                  validationError="Not valid JSON"
                />
                <Group>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => {
                      try {
                        setDraft(JSON.parse(json) as Draft);
                        setJson(null);
                      } catch (e) {
                        setMsg({ ok: false, text: `Not valid JSON: ${String(e)}` });
                      }
                    }}
                  >
                    Apply JSON
                  </Button>
                </Group>
              </Stack>
            ) : (
              draft.stages.map((st, i) => (
                <Paper key={i} withBorder p="sm" radius="md" role="group" aria-label={`Stage ${i + 1}: ${st.name}`}>
                  <Group align="flex-end" gap="xs" mb="xs">
                    <Badge variant="outline">{i + 1}</Badge>
                    <TextInput
                      label="Stage name"
                      size="xs"
                      value={st.name}
                      onChange={(e) => setStage(i, { name: e.currentTarget.value })}
                      w={200}
                    />
                    <TextInput label="Id" size="xs" value={st.id} onChange={(e) => setStage(i, { id: e.currentTarget.value })} w={140} />
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={`Move ${st.name} up`}
                    >
                      ↑
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      disabled={i === draft.stages.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={`Move ${st.name} down`}
                    >
                      ↓
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => setDraft({ ...draft, stages: draft.stages.filter((_, k) => k !== i) })}
                      aria-label={`Remove stage ${st.name}`}
                    >
                      Remove stage
                    </Button>
                  </Group>
                  <Stack gap={6}>
                    {st.rules.map((r, k) => (
                      <RuleEditor
                        key={k}
                        rule={r}
                        label={`${st.name} rule ${k + 1}`}
                        options={options}
                        onChange={(nr) => setStage(i, { rules: st.rules.map((x, j) => (j === k ? (nr as StageRule) : x)) })}
                        onRemove={st.rules.length > 1 ? () => setStage(i, { rules: st.rules.filter((_, j) => j !== k) }) : undefined}
                      />
                    ))}
                    <Group>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        onClick={() => setStage(i, { rules: [...st.rules, { minOccurrence: 1 } as StageRule] })}
                        aria-label={`Add a rule to ${st.name}`}
                      >
                        + rule (or)
                      </Button>
                    </Group>
                  </Stack>
                </Paper>
              ))
            )}
            {json === null && (
              <Group>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() =>
                    setDraft({
                      ...draft,
                      stages: [
                        ...draft.stages,
                        {
                          id: slug(
                            'New stage',
                            draft.stages.map((x) => x.id),
                          ),
                          name: 'New stage',
                          rules: [{ minOccurrence: 1 } as StageRule],
                        },
                      ],
                    })
                  }
                >
                  Add stage
                </Button>
              </Group>
            )}
          </Stack>
          <Stack gap="xs" style={{ flex: '2 1 280px', minWidth: 0 }}>
            <Text size="sm" fw={600}>
              Live preview
            </Text>
            <JourneyPreview draft={draft} />
            <Group mt="sm">
              <Button
                size="xs"
                disabled={!canEdit}
                onClick={async () => {
                  setMsg(null);
                  try {
                    const saved = await post<Journey>('/api/v1/journeys', draft);
                    setDraft({ ...draft, id: saved.id });
                    setSource(`journey:${saved.id}`);
                    setMsg({ ok: true, text: `Saved "${saved.name}".` });
                    stored.reload();
                  } catch (e) {
                    setMsg({ ok: false, text: errorText(e) });
                  }
                }}
              >
                Save journey
              </Button>
              {draft.id && source?.startsWith('journey:') && !builtInOnly && (
                <ConfirmDelete
                  label="Delete journey"
                  disabled={!canEdit}
                  onConfirm={async () => {
                    setMsg(null);
                    try {
                      await api('DELETE', `/api/v1/journeys/${encodeURIComponent(draft.id!)}`);
                      setMsg({ ok: true, text: `Deleted "${draft.name}".` });
                      // Back to the first journey or template once the list has reloaded.
                      setDraft(null);
                      stored.reload();
                    } catch (e) {
                      setMsg({ ok: false, text: errorText(e) });
                    }
                  }}
                />
              )}
              <Status msg={msg} />
            </Group>
          </Stack>
        </Group>
      </Stack>
    </Section>
  );
}

const SEGMENT_KINDS = [
  { value: 'did_event', label: 'Did an event' },
  { value: 'order_count', label: 'Orders' },
  { value: 'revenue', label: 'Revenue' },
  { value: 'first_channel', label: 'First channel' },
  { value: 'trait', label: 'Trait' },
  { value: 'survey_score', label: 'Survey score' },
];
const NEW_RULE: Record<string, SegmentRule> = {
  did_event: { kind: 'did_event', event: '', minCount: 1 },
  order_count: { kind: 'order_count', op: 'gte', value: 1 },
  revenue: { kind: 'revenue', op: 'gte', value: 100 },
  first_channel: { kind: 'first_channel', channels: [] },
  trait: { kind: 'trait', property: '', op: 'eq', value: '' },
  survey_score: { kind: 'survey_score', survey: 'NPS', op: 'gte', value: 9 },
};

function SegmentRuleEditor({
  rule,
  index,
  options,
  channels,
  onChange,
  onRemove,
}: {
  rule: SegmentRule;
  index: number;
  options: Array<{ value: string; label: string }>;
  channels: string[];
  onChange: (r: SegmentRule) => void;
  onRemove?: () => void;
}) {
  const cmp = (ops: string[]) => (
    <Select
      label="Operator"
      size="xs"
      data={ops}
      value={String(rule.op)}
      onChange={(op) => onChange({ ...rule, op })}
      allowDeselect={false}
      w={90}
    />
  );
  const amount = (
    <NumberInput
      label="Value"
      size="xs"
      value={Number(rule.value ?? 0)}
      onChange={(v) => onChange({ ...rule, value: Number(v) || 0 })}
      w={110}
    />
  );
  return (
    <Paper withBorder p="xs" radius="sm" role="group" aria-label={`Persona rule ${index + 1}`}>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select
          label="Rule"
          size="xs"
          data={SEGMENT_KINDS}
          value={rule.kind}
          onChange={(k) => k && onChange({ ...NEW_RULE[k]! })}
          allowDeselect={false}
          w={150}
        />
        {rule.kind === 'did_event' && (
          <>
            <Select
              label="Event"
              size="xs"
              data={options}
              value={String(rule.event) || null}
              onChange={(e) => onChange({ ...rule, event: e ?? '' })}
              searchable
              w={260}
            />
            <NumberInput
              label="At least"
              size="xs"
              min={1}
              value={Number(rule.minCount ?? 1)}
              onChange={(v) => onChange({ ...rule, minCount: Math.max(1, Number(v) || 1) })}
              w={90}
            />
          </>
        )}
        {rule.kind === 'order_count' && (
          <>
            {cmp(['gte', 'lte', 'eq'])}
            {amount}
          </>
        )}
        {rule.kind === 'revenue' && (
          <>
            {cmp(['gte', 'lte'])}
            {amount}
          </>
        )}
        {rule.kind === 'survey_score' && (
          <>
            <Select
              label="Survey"
              size="xs"
              data={['NPS', 'CSAT', 'CES']}
              value={String(rule.survey ?? 'NPS')}
              onChange={(v) => onChange({ ...rule, survey: v ?? 'NPS' })}
              w={90}
            />
            {cmp(['gte', 'lte'])}
            {amount}
          </>
        )}
        {rule.kind === 'first_channel' && (
          <MultiSelect
            label="Channels"
            size="xs"
            data={channels}
            value={(rule.channels as string[]) ?? []}
            onChange={(c) => onChange({ ...rule, channels: c })}
            w={300}
          />
        )}
        {rule.kind === 'trait' && (
          <>
            <TextInput
              label="Trait"
              size="xs"
              value={String(rule.property ?? '')}
              onChange={(e) => onChange({ ...rule, property: e.currentTarget.value })}
              w={140}
            />
            <Select
              label="Operator"
              size="xs"
              data={FILTER_OPS}
              value={String(rule.op)}
              onChange={(op) => onChange({ ...rule, op })}
              allowDeselect={false}
              w={100}
            />
            {rule.op !== 'exists' && (
              <TextInput
                label="Value"
                size="xs"
                value={String(rule.value ?? '')}
                onChange={(e) => onChange({ ...rule, value: e.currentTarget.value })}
                w={140}
              />
            )}
          </>
        )}
        {onRemove && (
          <Button size="compact-xs" variant="subtle" color="red" onClick={onRemove}>
            Remove rule
          </Button>
        )}
      </Group>
    </Paper>
  );
}

/** Persons matching a draft persona now (POST /api/v1/personas/preview: the count /size gives once saved). */
function SegmentCount({ segment }: { segment: Segment }) {
  const [debounced] = useDebouncedValue(segment, 400);
  const count = useData(`segment-preview:${JSON.stringify(debounced)}`, (s) =>
    post<{ persons: number; share: number }>('/api/v1/personas/preview', { segment: debounced }, s),
  );
  if (count.error)
    return (
      <Text size="sm" c="red" role="alert">
        {errorText(count.error)}
      </Text>
    );
  if (!count.data)
    return (
      <Text size="sm" c="dimmed">
        Counting…
      </Text>
    );
  return (
    <Text size="sm" data-stale={count.stale ? '1' : undefined}>
      <b data-testid="persona-count">{fmt(count.data.persons)}</b> persons match ({(count.data.share * 100).toFixed(1)}% of all)
    </Text>
  );
}

interface PersonaDoc {
  id?: string;
  name: string;
  description?: string;
  segment: Segment;
}

export function PersonaEditor() {
  const s = useSession();
  const canEdit = s.user.role !== 'viewer';
  const { options } = useVocabulary();
  const list = useData('editor-personas', (sig) => get<{ personas: PersonaDoc[] }>('/api/v1/personas', sig).then((r) => r.personas));
  const [draft, setDraft] = useState<PersonaDoc>({ name: 'New persona', segment: { match: 'all', rules: [{ ...NEW_RULE.order_count! }] } });
  const [selected, setSelected] = useState<string | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const personas = list.data ?? [];
  const setRules = (rules: SegmentRule[]) => setDraft({ ...draft, segment: { ...draft.segment, rules } });
  return (
    <Section title="Persona editor">
      <Stack gap="sm">
        <Group align="flex-end" gap="xs">
          <Select
            label="Persona"
            size="xs"
            placeholder="New persona"
            data={personas.map((p) => ({ value: p.id!, label: p.name }))}
            value={selected}
            onChange={(id) => {
              setSelected(id);
              const p = personas.find((x) => x.id === id);
              setDraft(
                p
                  ? (JSON.parse(JSON.stringify(p)) as PersonaDoc)
                  : { name: 'New persona', segment: { match: 'all', rules: [{ ...NEW_RULE.order_count! }] } },
              );
              setMsg(null);
            }}
            w={240}
          />
          <TextInput
            label="Persona name"
            size="xs"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            w={220}
          />
          <SegmentedControl
            size="xs"
            data={[
              { value: 'all', label: 'All rules' },
              { value: 'any', label: 'Any rule' },
            ]}
            value={draft.segment.match}
            onChange={(m) => setDraft({ ...draft, segment: { ...draft.segment, match: m as 'all' | 'any' } })}
          />
        </Group>
        {draft.segment.rules.map((r, i) => (
          <SegmentRuleEditor
            key={i}
            index={i}
            rule={r}
            options={options}
            channels={s.channels}
            onChange={(nr) => setRules(draft.segment.rules.map((x, k) => (k === i ? nr : x)))}
            onRemove={draft.segment.rules.length > 1 ? () => setRules(draft.segment.rules.filter((_, k) => k !== i)) : undefined}
          />
        ))}
        <Group justify="space-between">
          <Button size="compact-xs" variant="subtle" onClick={() => setRules([...draft.segment.rules, { ...NEW_RULE.did_event! }])}>
            + rule
          </Button>
          <SegmentCount segment={draft.segment} />
        </Group>
        <Group>
          <Button
            size="xs"
            disabled={!canEdit}
            onClick={async () => {
              setMsg(null);
              try {
                const body = { name: draft.name, ...(draft.description ? { description: draft.description } : {}), segment: draft.segment };
                const saved = selected
                  ? await api<PersonaDoc>('PUT', `/api/v1/personas/${encodeURIComponent(selected)}`, body)
                  : await post<PersonaDoc>('/api/v1/personas', body);
                setSelected(saved.id ?? null);
                setMsg({ ok: true, text: `Saved "${saved.name}".` });
                // The session (and the filter bar's persona list) reloads on the next visit: refreshing it now would remount Settings.
                list.reload();
              } catch (e) {
                setMsg({ ok: false, text: errorText(e) });
              }
            }}
          >
            Save persona
          </Button>
          {selected && (
            <ConfirmDelete
              label="Delete persona"
              disabled={!canEdit}
              onConfirm={async () => {
                setMsg(null);
                try {
                  await api('DELETE', `/api/v1/personas/${encodeURIComponent(selected)}`);
                  setMsg({ ok: true, text: `Deleted "${draft.name}".` });
                  setSelected(null);
                  setDraft({ name: 'New persona', segment: { match: 'all', rules: [{ ...NEW_RULE.order_count! }] } });
                  list.reload();
                } catch (e) {
                  setMsg({ ok: false, text: errorText(e) });
                }
              }}
            />
          )}
          <Status msg={msg} />
        </Group>
      </Stack>
    </Section>
  );
}

/** A delete button that asks once more in place (no browser dialog): the first click arms it, the second deletes. */
function ConfirmDelete({ label, disabled, onConfirm }: { label: string; disabled: boolean; onConfirm: () => Promise<void> }) {
  const [armed, setArmed] = useState(false);
  return armed ? (
    <Group gap={4}>
      <Button
        size="xs"
        color="red"
        onClick={async () => {
          setArmed(false);
          await onConfirm();
        }}
      >
        Confirm: {label.toLowerCase()}
      </Button>
      <Button size="xs" variant="default" onClick={() => setArmed(false)}>
        Cancel
      </Button>
    </Group>
  ) : (
    <Button size="xs" variant="subtle" color="red" disabled={disabled} onClick={() => setArmed(true)}>
      {label}
    </Button>
  );
}
