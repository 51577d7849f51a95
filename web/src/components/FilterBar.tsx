/** Date range (with previous-period comparison), persona and channel filters; all kept in the URL. */
import { Button, Group, MultiSelect, Select, Switch, TextInput } from '@mantine/core';
import { useFilters, useSession } from '../data.ts';
import { addDays } from '../format.ts';
import { setParams } from '../url-state.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function FilterBar({
  persona = true,
  channels = true,
  compare = true,
}: {
  persona?: boolean;
  channels?: boolean;
  compare?: boolean;
}) {
  const f = useFilters();
  const s = useSession();
  const last = s.dataRange?.last ?? f.to;
  const preset = (days: number | 'all') => {
    const from = days === 'all' ? (s.dataRange?.first ?? addDays(last, -89)) : addDays(last, -(days - 1));
    setParams({ from, to: last });
  };
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="group" aria-label="Filters" className="wm-filters">
      <TextInput
        type="date"
        label="From"
        size="xs"
        value={f.from}
        max={f.to}
        onChange={(e) => DAY.test(e.currentTarget.value) && setParams({ from: e.currentTarget.value })}
      />
      <TextInput
        type="date"
        label="To"
        size="xs"
        value={f.to}
        min={f.from}
        onChange={(e) => DAY.test(e.currentTarget.value) && setParams({ to: e.currentTarget.value })}
      />
      <Group gap={4} aria-label="Quick ranges">
        {([7, 30, 90, 'all'] as const).map((d) => (
          <Button key={d} size="compact-xs" variant="default" onClick={() => preset(d)}>
            {d === 'all' ? 'All' : `${d}d`}
          </Button>
        ))}
      </Group>
      {compare && (
        <Switch
          size="xs"
          label="Compare with previous period"
          checked={f.compare}
          onChange={(e) => setParams({ cmp: e.currentTarget.checked ? undefined : '0' })}
        />
      )}
      {persona && (
        <Select
          size="xs"
          label="Persona"
          placeholder="Everyone"
          clearable
          data={s.personas.map((p) => ({ value: p.id, label: p.name }))}
          value={f.persona || null}
          onChange={(v) => setParams({ persona: v ?? undefined })}
          w={170}
        />
      )}
      {channels && (
        <MultiSelect
          size="xs"
          label="Channels"
          placeholder={f.channels.length ? undefined : 'All channels'}
          clearable
          data={s.channels}
          value={f.channels}
          onChange={(v) => setParams({ ch: v.join(',') || undefined })}
          w={240}
          aria-label="Channels"
        />
      )}
    </Group>
  );
}
