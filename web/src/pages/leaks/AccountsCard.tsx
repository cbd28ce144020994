import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPost } from '../../api';
import { useAuth } from '../../auth';
import { Card } from '../../components/Card';
import { SeverityBadge, StateBadge } from './Badges';
import { type AccountFilter, type AccountPage, formatDate, SEVERITIES, STATES, unitOf, useResource } from './data';

const PAGE_SIZE = 50;
/** The most accounts one bulk action may touch (the API's bound). */
const BULK_MAX = 10_000;
/** The sorts GET /leaks/accounts offers (the server sorts; the page never holds more than one page). */
type SortKey = 'email' | 'person' | 'severity' | 'state' | 'lastSeen';

/**
 * The organisation's leaked accounts, one page at a time from the server: filters (state, unit,
 * severity, source, text — kept in the address bar and used by the exports), server-side sort,
 * keyset paging (the cursor of each page visited is kept so "previous" costs one request), and
 * the bulk triage actions for analysts: on the selected rows (on any page), or — once every row of
 * the page is selected and "all N" is chosen — on every account under the filters, server-side.
 */
export function AccountsCard({
  filter,
  onFilter,
  units,
  sources,
  allAccounts,
  onChanged,
}: {
  filter: AccountFilter;
  onFilter: (next: AccountFilter) => void;
  units: string[];
  sources: string[];
  /** Accounts under no filter (for "N of M"). */
  allAccounts: number | null;
  /** After a bulk action (the page reloads its figures; this card reloads its page). */
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation('leaks');
  const { can } = useAuth();
  const [search, setSearch] = useState(filter.text ?? '');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'severity', descending: true });
  // cursors[i] opens page i (undefined for the first), for the filters and sort they were made
  // under: after a change the first page is asked for at once, never with a cursor of the old sort.
  const filterKey = JSON.stringify([filter, sort]);
  const [paging, setPaging] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = paging.key === filterKey ? paging.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => setPaging({ key: filterKey, cursors: next });
  const page = cursors.length - 1;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Every account under the filters, acted on by the server ({filter, expectTotal}) rather than by address.
  const [allMatching, setAllMatching] = useState(false);
  const [target, setTarget] = useState<string>('notified');
  const [message, setMessage] = useState<string | null>(null);
  const [assignTo, setAssignTo] = useState('');
  const [busy, setBusy] = useState(false);

  const result = useResource<AccountPage>('/leaks/accounts', {
    ...filter,
    sort: sort.key,
    order: sort.descending ? 'desc' : 'asc',
    limit: PAGE_SIZE,
    cursor: cursors[page],
  });
  const { reload } = result;
  const data = result.data;
  const shown = data?.accounts ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  // The text search reaches the server (and the address bar) once typing pauses.
  useEffect(() => {
    const text = search.trim();
    if (text === (filter.text ?? '')) return;
    const timer = setTimeout(() => onFilter({ ...filter, text: text || undefined }), 300);
    return () => clearTimeout(timer);
  }, [search, filter, onFilter]);

  // A new filter or sort starts with nothing selected (and at the first page, above).
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for the inputs
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filterKey]);

  const set = (key: keyof AccountFilter, value: string) => onFilter({ ...filter, [key]: value || undefined });
  const toggle = (email: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(email);
    else next.delete(email);
    setSelected(next);
    if (!on) setAllMatching(false);
  };
  const allOnPage = shown.length > 0 && shown.every((a) => selected.has(a.email));
  const count = allMatching ? total : selected.size;
  const bulkTarget = () => (allMatching ? { filter, expectTotal: total } : { emails: [...selected] });
  const done = () => {
    setSelected(new Set());
    setAllMatching(false);
    reload();
    onChanged();
  };
  const move = async () => {
    setBusy(true);
    try {
      const result = await apiPost<{ changed: string[]; refused: unknown[] }>('/leaks/accounts/state', { ...bulkTarget(), state: target });
      setMessage(t('moved', { changed: result.changed.length, refused: result.refused.length }));
      done();
    } catch (error) {
      setMessage((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const assign = async () => {
    setBusy(true);
    try {
      const result = await apiPost<{ assigned: number }>('/leaks/accounts/assign', { ...bulkTarget(), unit: assignTo.trim() });
      setMessage(t('assigned', { count: result.assigned, unit: assignTo.trim() }));
      done();
    } catch (error) {
      setMessage((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const header = (key: SortKey, label: string, className = '') => (
    <th className={className} aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        className="th-sort"
        onClick={() => setSort((s) => (s.key === key ? { key, descending: !s.descending } : { key, descending: key === 'severity' || key === 'lastSeen' }))}
      >
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.descending ? ' ▾' : ' ▴') : ''}</span>
      </button>
    </th>
  );
  const filtered = Boolean(filter.state || filter.unit || filter.severity || filter.source || filter.text || search);

  return (
    <Card
      title={t('accounts')}
      actions={
        <span className="muted" data-testid="leak-total">
          {t('shown', { shown: total, total: allAccounts ?? total })}
        </span>
      }
      className="leak-accounts"
    >
      <fieldset className="leak-filters">
        <legend className="visually-hidden">{t('filters')}</legend>
        <FilterSelect name="state" label={t('state')} all={t('all')} filter={filter} onChange={set} options={STATES.map((s) => [s, t(`states.${s}`)])} />
        <FilterSelect name="unit" label={t('unit')} all={t('all')} filter={filter} onChange={set} options={units.map((u) => [u, u])} />
        <FilterSelect
          name="severity"
          label={t('severity')}
          all={t('all')}
          filter={filter}
          onChange={set}
          options={SEVERITIES.map((s) => [s, t(`severities.${s}`)])}
        />
        <FilterSelect name="source" label={t('source')} all={t('all')} filter={filter} onChange={set} options={sources.map((s) => [s, s])} />
        <label className="field leak-search">
          {t('search')}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="filter-search" />
        </label>
        {filtered ? (
          <button
            type="button"
            className="button small leak-clear"
            onClick={() => {
              setSearch('');
              onFilter({});
            }}
          >
            {t('clear')}
          </button>
        ) : null}
      </fieldset>

      {can('analyst') ? (
        <div className="leak-bulk">
          <strong className="leak-bulk-count">{t('selected', { count })}</strong>
          <span className="leak-bulk-group">
            <label className="leak-inline">
              {t('moveTo')}
              <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="target state">
                {STATES.map((s) => (
                  <option key={s} value={s}>
                    {t(`states.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button primary small" disabled={count === 0 || busy} onClick={() => void move()}>
              {t('move', { count })}
            </button>
          </span>
          <span className="leak-bulk-group">
            <label className="leak-inline">
              {t('assignTo')}
              <input list="leak-units" value={assignTo} onChange={(e) => setAssignTo(e.target.value)} aria-label="assign unit" className="leak-unit-input" />
              <datalist id="leak-units">
                {units.map((u) => (
                  <option key={u} value={u} />
                ))}
              </datalist>
            </label>
            <button type="button" className="button small" disabled={count === 0 || !assignTo.trim() || busy} onClick={() => void assign()}>
              {t('assign', { count })}
            </button>
          </span>
          <span className="muted leak-bulk-scope">{t('bulkScope')}</span>
          {allOnPage && !allMatching && total > shown.length ? (
            total <= BULK_MAX ? (
              <button type="button" className="button small" onClick={() => setAllMatching(true)} data-testid="select-all-matching">
                {t('selectAllMatching', { total })}
              </button>
            ) : (
              <span className="muted">{t('tooManyToSelect', { max: BULK_MAX })}</span>
            )
          ) : null}
          {allMatching ? (
            <span className="leak-all-matching" data-testid="all-matching">
              {t('allMatchingSelected', { total })}{' '}
              <button
                type="button"
                className="button small"
                onClick={() => {
                  setAllMatching(false);
                  setSelected(new Set());
                }}
              >
                {t('clearSelection')}
              </button>
            </span>
          ) : null}
          {message ? (
            <span className="leak-message" role="status">
              {message}
            </span>
          ) : null}
        </div>
      ) : null}

      {result.error ? (
        <p className="error" role="alert" data-testid="leak-accounts-error">
          {result.error}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="table leak-table" data-testid="leak-accounts">
          <thead>
            <tr>
              {can('analyst') ? (
                <th className="leak-check">
                  <input
                    type="checkbox"
                    aria-label={t('selectAll')}
                    checked={allOnPage}
                    onChange={(e) => {
                      const next = new Set(selected);
                      for (const a of shown) {
                        if (e.target.checked) next.add(a.email);
                        else next.delete(a.email);
                      }
                      setSelected(next);
                      if (!e.target.checked) setAllMatching(false);
                    }}
                  />
                </th>
              ) : null}
              {header('email', t('address'))}
              {header('person', `${t('person')} / ${t('unit')}`, 'hide-phone')}
              {header('severity', t('severity'), 'leak-fit')}
              <th className="hide-phone leak-col-mask">{t('password')}</th>
              {header('state', t('state'), 'leak-state-col')}
              {header('lastSeen', t('source'), 'hide-phone')}
            </tr>
          </thead>
          <tbody>
            {data && shown.length === 0 ? (
              <tr>
                <td colSpan={7} className="table-empty">
                  {t('noAccounts')}
                </td>
              </tr>
            ) : null}
            {shown.map((a) => (
              <tr key={a.email} className={selected.has(a.email) ? 'selected' : undefined}>
                {can('analyst') ? (
                  <td className="leak-check">
                    <input type="checkbox" aria-label={a.email} checked={selected.has(a.email)} onChange={(e) => toggle(a.email, e.target.checked)} />
                  </td>
                ) : null}
                <td className="leak-email">{a.email}</td>
                <td className="hide-phone">
                  <div>{a.staffName ?? '—'}</div>
                  <div className="leak-sub">{unitOf(a)}</div>
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td className="hide-phone">
                  <code className="leak-mask">{a.passwordMask ?? '—'}</code>
                </td>
                <td>
                  <StateBadge state={a.state} />
                </td>
                <td className="hide-phone">
                  <div className="leak-sources-cell">{a.sources.join(', ')}</div>
                  <div className="leak-sub" title={t('lastSeen')}>
                    {formatDate(a.lastSeen, i18n.language)}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav className="leak-pager" aria-label="pages">
          <button type="button" className="button small" disabled={page === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('previous')}
          </button>
          <span data-testid="leak-page">{t('page', { page: page + 1, pages })}</span>
          <button
            type="button"
            className="button small"
            disabled={!data?.nextCursor || page >= pages - 1}
            onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
          >
            {t('next')}
          </button>
        </nav>
      ) : null}
    </Card>
  );
}

/** One filter of the accounts list: a labelled select whose empty choice means "all". */
function FilterSelect(props: {
  name: keyof AccountFilter;
  label: string;
  all: string;
  filter: AccountFilter;
  options: [value: string, text: string][];
  onChange: (key: keyof AccountFilter, value: string) => void;
}) {
  const { name, label, all, filter, options, onChange } = props;
  return (
    <label className="field">
      {label}
      <select value={filter[name] ?? ''} onChange={(e) => onChange(name, e.target.value)} data-testid={`filter-${name}`}>
        <option value="">{all}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
