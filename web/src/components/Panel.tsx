/** A card around one chart or table: title, CSV/PNG export, and loading / empty / error states. */
import type { ReactNode, RefObject } from 'react';
import { Alert, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { ApiError } from '../api.ts';
import { download, downloadDataUrl, toCsv, type Column } from '../csv.ts';
import type { ChartHandle } from './Chart.tsx';

export interface PanelProps<T> {
  title: string;
  /** file name stem for exports */
  name: string;
  loading?: boolean;
  /** The content shown belongs to the previous filters: dimmed until the new answer arrives. */
  stale?: boolean;
  error?: unknown;
  empty?: ReactNode | false;
  rows?: T[];
  columns?: Column<T>[];
  chart?: RefObject<ChartHandle | null>;
  actions?: ReactNode;
  children?: ReactNode;
}

export function Panel<T>({ title, name, loading, stale, error, empty, rows, columns, chart, actions, children }: PanelProps<T>) {
  const body = error ? (
    <ErrorNote error={error} />
  ) : loading ? (
    <Group justify="center" p="xl" aria-live="polite">
      <Loader size="sm" />
      <Text size="sm" c="dimmed">
        Loading…
      </Text>
    </Group>
  ) : empty ? (
    <Text size="sm" c="dimmed" p="md" data-testid={`${name}-panel-empty`}>
      {empty}
    </Text>
  ) : (
    children
  );
  return (
    <Card
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-label={title}
      aria-busy={loading || stale}
      className="wm-panel"
      data-stale={stale && !loading ? '1' : undefined}
    >
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap={8}>
          <Title order={3} size="h5">
            {title}
          </Title>
          {stale && !loading && (
            <Group gap={4} aria-live="polite" data-testid="stale-note">
              <Loader size={12} />
              <Text size="xs" c="dimmed">
                Updating for the new filters…
              </Text>
            </Group>
          )}
        </Group>
        <Group gap={6}>
          {actions}
          {rows && columns && !loading && !error && (
            <Button
              size="compact-xs"
              variant="default"
              onClick={() => download(`${name}.csv`, toCsv(rows, columns))}
              aria-label={`Export ${title} as CSV`}
            >
              CSV
            </Button>
          )}
          {chart && !loading && !error && !empty && (
            <Button
              size="compact-xs"
              variant="default"
              aria-label={`Export ${title} chart as PNG`}
              onClick={() => {
                const url = chart.current?.dataUrl();
                if (url) downloadDataUrl(`${name}.png`, url);
              }}
            >
              PNG
            </Button>
          )}
        </Group>
      </Group>
      <Stack gap="xs" className="wm-panel-body">
        {body}
      </Stack>
    </Card>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.missingRoute) {
    return (
      <Alert color="gray" title="Not available on this server yet">
        This server has no API for this analysis. Update Waymark to use it.
      </Alert>
    );
  }
  return (
    <Alert color="red" title="Could not load">
      {(error as Error)?.message ?? String(error)}
    </Alert>
  );
}
