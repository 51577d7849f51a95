import { Card, Text } from '@mantine/core';

/** One headline figure with its label and a short note (Feedback scores, prediction summaries). */
export function StatCard({ label, value, note, className }: { label: string; value: string; note: string; className?: string }) {
  return (
    <Card withBorder p="sm" radius="md" className={className}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {note}
      </Text>
    </Card>
  );
}
