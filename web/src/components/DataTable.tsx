/** A plain accessible table from the same columns used for CSV export. */
import { Table, ScrollArea } from '@mantine/core';
import type { Column } from '../csv.ts';

export interface DisplayColumn<T> extends Column<T> {
  /** formatted cell; defaults to the CSV value */
  render?: (row: T) => React.ReactNode;
  numeric?: boolean;
}

export function DataTable<T>({
  rows,
  columns,
  caption,
  maxRows = 200,
  onRowClick,
}: {
  rows: T[];
  columns: DisplayColumn<T>[];
  caption: string;
  maxRows?: number;
  onRowClick?: (row: T) => void;
}) {
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover withTableBorder fz="sm" captionSide="bottom" data-testid={`table-${caption}`}>
        <caption className="wm-visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} style={{ textAlign: c.numeric ? 'right' : 'left', whiteSpace: 'nowrap' }}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.slice(0, maxRows).map((r, i) => (
            <Table.Tr
              key={i}
              onClick={onRowClick ? () => onRowClick(r) : undefined}
              tabIndex={onRowClick ? 0 : undefined}
              onKeyDown={onRowClick ? (e) => e.key === 'Enter' && onRowClick(r) : undefined}
              style={onRowClick ? { cursor: 'pointer' } : undefined}
            >
              {columns.map((c) => (
                <Table.Td key={c.key} data-col={c.key} style={{ textAlign: c.numeric ? 'right' : 'left', whiteSpace: 'nowrap' }}>
                  {c.render ? c.render(r) : (c.value(r) ?? '')}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
