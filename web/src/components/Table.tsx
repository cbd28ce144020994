import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** Cell content; default `String(row[key])`. */
  render?: (row: T) => ReactNode;
  /** Value to sort by; columns without one are not sortable. */
  sortValue?: (row: T) => string | number;
  align?: 'left' | 'right';
  /** Hide on phone screens (≤ 640 px). */
  hideOnPhone?: boolean;
}

/**
 * A plain data table: sortable columns, an empty message, and a horizontal scroll on narrow
 * screens instead of a broken layout.
 */
export function Table<T>({
  columns,
  rows,
  rowKey,
  empty,
  onRowClick,
  caption,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  onRowClick?: (row: T) => void;
  caption?: ReactNode;
}) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<{ key: string; descending: boolean } | null>(null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column?.sortValue) return rows;
    const value = column.sortValue;
    return [...rows].sort((a, b) => {
      const left = value(a);
      const right = value(b);
      const order = typeof left === 'number' && typeof right === 'number' ? left - right : String(left).localeCompare(String(right), 'vi');
      return sort.descending ? -order : order;
    });
  }, [rows, columns, sort]);

  return (
    <div className="table-wrap">
      <table className="table">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column) => (
              <th
                key={column.key}
                className={`${column.align === 'right' ? 'num' : ''} ${column.hideOnPhone ? 'hide-phone' : ''}`}
                aria-sort={sort?.key === column.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
              >
                {column.sortValue ? (
                  <button
                    type="button"
                    className="th-sort"
                    onClick={() =>
                      setSort((s) => (s?.key === column.key ? { key: column.key, descending: !s.descending } : { key: column.key, descending: false }))
                    }
                  >
                    {column.header}
                    <span aria-hidden="true">{sort?.key === column.key ? (sort.descending ? ' ▾' : ' ▴') : ''}</span>
                  </button>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="table-empty">
                {empty ?? t('empty')}
              </td>
            </tr>
          ) : (
            sorted.map((row) => (
              <tr key={rowKey(row)} className={onRowClick ? 'clickable' : undefined} onClick={onRowClick ? () => onRowClick(row) : undefined}>
                {columns.map((column) => (
                  <td key={column.key} className={`${column.align === 'right' ? 'num' : ''} ${column.hideOnPhone ? 'hide-phone' : ''}`}>
                    {column.render ? column.render(row) : String((row as Record<string, unknown>)[column.key] ?? '')}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
