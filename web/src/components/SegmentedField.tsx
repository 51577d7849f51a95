/** A small segmented control with a visible label above it that also names it for assistive technology. */
import { SegmentedControl, Text } from '@mantine/core';

export function SegmentedField({
  label,
  value,
  data,
  onChange,
}: {
  label: string;
  value: string;
  data: Array<{ value: string; label: string }>;
  onChange: (v: string) => void;
}) {
  const id = `seg-${label.replace(/\W/g, '')}`;
  return (
    <div>
      <Text size="xs" fw={500} mb={2} id={id}>
        {label}
      </Text>
      <SegmentedControl size="xs" aria-labelledby={id} value={value} onChange={onChange} data={data} />
    </div>
  );
}
