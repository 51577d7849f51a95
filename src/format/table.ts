/**
 * Plain-text tables for the CLI: a header row, a rule, right-aligned numbers, and at most 100
 * columns (the widest text column is shortened with "…" until the table fits).
 */
export interface TextColumn {
  header: string;
  align?: 'left' | 'right';
}

export const TABLE_WIDTH = 100;

function shorten(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

export function renderTable(columns: TextColumn[], rows: string[][], maxWidth = TABLE_WIDTH): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const total = () => widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1);
  // Shorten text columns, widest first, down to 8 characters each.
  while (total() > maxWidth) {
    let widest = -1;
    columns.forEach((c, i) => {
      if ((c.align ?? 'left') === 'left' && widths[i]! > 8 && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest] = Math.max(8, widths[widest]! - (total() - maxWidth));
  }
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const s = shorten(cell ?? '', widths[i]!);
        return columns[i]!.align === 'right' ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
