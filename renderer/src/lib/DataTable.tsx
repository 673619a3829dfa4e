import type { ReactNode } from 'react';

interface DataTableProps<T> {
  /** Column headings, in order. */
  headers: readonly string[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string | number;
  /** The cells of one row (`<td>`s, or a `<th scope="row">` first). */
  cells: (row: T) => ReactNode;
  /** The accessible name, where the table has no visible caption. */
  label?: string;
  caption?: string;
  className?: string;
  rowClassName?: (row: T) => string | undefined;
  /** `data-testid` of each row. */
  rowTestId?: string;
  /** Wide tables scroll sideways in their own box instead of widening the page. */
  scroll?: boolean;
}

/**
 * The read-only tables of the app (git log, safety blocks, a dataset's columns): one place for their
 * markup, so header scopes and the scroll box stay the same everywhere.
 */
export function DataTable<T>({
  headers,
  rows,
  rowKey,
  cells,
  label,
  caption,
  className = 'table',
  rowClassName,
  rowTestId,
  scroll = true,
}: DataTableProps<T>) {
  const table = (
    <table className={className} aria-label={label}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row, i)} className={rowClassName?.(row)} data-testid={rowTestId}>
            {cells(row)}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return scroll ? <div className="table-scroll">{table}</div> : table;
}
