import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPost } from '../../api';
import { useAuth } from '../../auth';
import { Card } from '../../components/Card';
import { SeverityBadge, StateBadge } from './Badges';
import { type Account, type AccountFilter, formatDate, SEVERITIES, SEVERITY_RANK, STATES, unitOf } from './data';

const PAGE_SIZE = 50;
type SortKey = 'email' | 'person' | 'severity' | 'state' | 'lastSeen';

const SORT_VALUE: Record<SortKey, (a: Account) => string | number> = {
  email: (a) => a.email,
  person: (a) => `${unitOf(a)}\u0000${a.staffName ?? ''}`,
  severity: (a) => SEVERITY_RANK[a.severity] ?? -1,
  state: (a) => STATES.indexOf(a.state as (typeof STATES)[number]),
  lastSeen: (a) => a.lastSeen,
};

/**
 * The organisation's leaked accounts: filters (state, unit, severity, source — sent to the API
 * and kept in the address bar), a text search, sorting (severity first by default), paging, and
 * the bulk triage action for analysts.
 */
export function AccountsCard({
  accounts,
  filter,
  onFilter,
  units,
  sources,
  onChanged,
}: {
  accounts: Account[] | null;
  filter: AccountFilter;
  onFilter: (next: AccountFilter) => void;
  units: string[];
  sources: string[];
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation('leaks');
  const { can } = useAuth();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'severity', descending: true });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState<string>('notified');
  const [message, setMessage] = useState<string | null>(null);
  const [assignTo, setAssignTo] = useState('');
  const [busy, setBusy] = useState(false);

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const list = (accounts ?? []).filter((a) => !needle || a.email.includes(needle) || (a.staffName ?? '').toLowerCase().includes(needle));
    const value = SORT_VALUE[sort.key];
    return list.sort((a, b) => {
      const left = value(a);
      const right = value(b);
      const order = typeof left === 'number' && typeof right === 'number' ? left - right : String(left).localeCompare(String(right), 'vi');
      return (sort.descending ? -order : order) || a.email.localeCompare(b.email);
    });
  }, [accounts, search, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const shown = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);

  // A new filter, search or sort starts at the first page with nothing selected.
  const filterKey = JSON.stringify([filter, search, sort]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for the inputs
  useEffect(() => {
    setPage(0);
    setSelected(new Set());
  }, [filterKey]);

  const set = (key: keyof AccountFilter, value: string) => onFilter({ ...filter, [key]: value || undefined });
  const toggle = (email: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(email);
    else next.delete(email);
    setSelected(next);
  };
  const allOnPage = shown.length > 0 && shown.every((a) => selected.has(a.email));
  const move = async () => {
    setBusy(true);
    try {
      const result = await apiPost<{ changed: string[]; refused: unknown[] }>('/leaks/accounts/state', { emails: [...selected], state: target });
      setMessage(t('moved', { changed: result.changed.length, refused: result.refused.length }));
      setSelected(new Set());
      onChanged();
    } catch (error) {
      setMessage((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const assign = async () => {
    setBusy(true);
    try {
      const result = await apiPost<{ assigned: number }>('/leaks/accounts/assign', { emails: [...selected], unit: assignTo.trim() });
      setMessage(t('assigned', { count: result.assigned, unit: assignTo.trim() }));
      setSelected(new Set());
      onChanged();
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
  const filtered = Boolean(filter.state || filter.unit || filter.severity || filter.source || search);

  return (
    <Card
      title={t('accounts')}
      actions={<span className="muted">{t('shown', { shown: rows.length, total: accounts?.length ?? 0 })}</span>}
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
          <strong className="leak-bulk-count">{t('selected', { count: selected.size })}</strong>
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
            <button type="button" className="button primary small" disabled={selected.size === 0 || busy} onClick={() => void move()}>
              {t('move', { count: selected.size })}
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
            <button type="button" className="button small" disabled={selected.size === 0 || !assignTo.trim() || busy} onClick={() => void assign()}>
              {t('assign', { count: selected.size })}
            </button>
          </span>
          {message ? (
            <span className="leak-message" role="status">
              {message}
            </span>
          ) : null}
        </div>
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
            {accounts && shown.length === 0 ? (
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
          <button type="button" className="button small" disabled={page === 0} onClick={() => setPage(page - 1)}>
            {t('previous')}
          </button>
          <span data-testid="leak-page">{t('page', { page: page + 1, pages })}</span>
          <button type="button" className="button small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
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
