import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiDelete, apiPatch, apiPost, type Role } from '../../api';
import { Card, PageHeader } from '../../components/Card';
import { Chart } from '../../components/Chart';
import { StatusBadge } from '../../components/StatusBadge';
import { type Column, Table } from '../../components/Table';
import { registerMessages } from '../../i18n';
import { useQuery, useRoute } from '../../router';
import type { PageProps } from '../types';
import { messages } from './messages';
import { useResource } from '../../useResource';

registerMessages('admin', messages);

interface User {
  id: string;
  name: string;
  role: Role;
  displayName: string | null;
  disabled: boolean;
  createdAt: string;
}

interface Token {
  id: string;
  name: string;
  userName: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
}

function formatTime(iso: string, language: string): string {
  return new Date(iso).toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'short' });
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

function UsersTab() {
  const { t, i18n } = useTranslation('admin');
  const { data, error, reload } = useResource<{ users: User[] }>('/users');
  const [form, setForm] = useState({ name: '', displayName: '', role: 'viewer' as Role, password: '' });
  const [notice, setNotice] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    try {
      const user = await apiPost<User>('/users', { ...form, displayName: form.displayName || null });
      setNotice(t('users.created_ok', { name: user.name }));
      setForm({ name: '', displayName: '', role: 'viewer', password: '' });
      reload();
    } catch (failure) {
      setFormError(failure instanceof ApiError ? failure.message : String(failure));
    }
  };
  const toggle = async (user: User) => {
    try {
      await apiPatch(`/users/${user.id}`, { disabled: !user.disabled });
      reload();
    } catch (failure) {
      setFormError((failure as Error).message);
    }
  };

  const columns: Column<User>[] = [
    { key: 'name', header: t('users.name'), sortValue: (u) => u.name },
    { key: 'displayName', header: t('users.displayName'), render: (u) => u.displayName ?? '', hideOnPhone: true },
    { key: 'role', header: t('users.role'), render: (u) => i18n.t(`roles.${u.role}`, { ns: 'common' }), sortValue: (u) => u.role },
    {
      key: 'status',
      header: t('users.status'),
      render: (u) => <StatusBadge status={u.disabled ? 'fail' : 'ok'} label={u.disabled ? t('users.disabled') : t('users.active')} />,
    },
    { key: 'created', header: t('users.created'), render: (u) => formatTime(u.createdAt, i18n.language), sortValue: (u) => u.createdAt, hideOnPhone: true },
    {
      key: 'actions',
      header: '',
      render: (u) => (
        <button type="button" className="button small" onClick={() => void toggle(u)}>
          {u.disabled ? t('users.enable') : t('users.disable')}
        </button>
      ),
    },
  ];

  return (
    <>
      <Card>
        <ErrorLine error={error} />
        <Table columns={columns} rows={data?.users ?? []} rowKey={(u) => u.id} />
      </Card>
      <Card title={t('users.add')}>
        <form className="form-grid" onSubmit={submit}>
          <label className="field">
            <span>{t('users.name')}</span>
            <input name="new-name" required autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </label>
          <label className="field">
            <span>{t('users.displayName')}</span>
            <input name="new-display-name" value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
          </label>
          <label className="field">
            <span>{t('users.role')}</span>
            <select name="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {(['viewer', 'analyst', 'admin'] as const).map((role) => (
                <option key={role} value={role}>
                  {i18n.t(`roles.${role}`, { ns: 'common' })}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('users.password')}</span>
            <input
              name="new-password"
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="button primary">
              {t('users.create')}
            </button>
          </div>
        </form>
        <ErrorLine error={formError} />
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
      </Card>
    </>
  );
}

function TokensTab() {
  const { t, i18n } = useTranslation('admin');
  const tokens = useResource<{ tokens: Token[] }>('/tokens');
  const users = useResource<{ users: User[] }>('/users');
  const [name, setName] = useState('');
  const [user, setUser] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    try {
      const created = await apiPost<{ token: string }>('/tokens', { name, ...(user ? { user } : {}) });
      setFresh(created.token);
      setName('');
      tokens.reload();
    } catch (failure) {
      setFormError((failure as Error).message);
    }
  };
  const revoke = async (token: Token) => {
    try {
      await apiDelete(`/tokens/${token.id}`);
      tokens.reload();
    } catch (failure) {
      setFormError((failure as Error).message);
    }
  };

  const columns: Column<Token>[] = [
    { key: 'name', header: t('tokens.name'), sortValue: (k) => k.name },
    { key: 'user', header: t('tokens.user'), render: (k) => k.userName, sortValue: (k) => k.userName },
    { key: 'created', header: t('tokens.created'), render: (k) => formatTime(k.createdAt, i18n.language), hideOnPhone: true },
    {
      key: 'lastUsed',
      header: t('tokens.lastUsed'),
      render: (k) => (k.lastUsedAt ? formatTime(k.lastUsedAt, i18n.language) : t('tokens.never')),
      hideOnPhone: true,
    },
    {
      key: 'status',
      header: t('tokens.status'),
      render: (k) => <StatusBadge status={k.revokedAt ? 'unknown' : 'ok'} label={k.revokedAt ? t('tokens.revoked') : t('tokens.active')} />,
    },
    {
      key: 'actions',
      header: '',
      render: (k) =>
        k.revokedAt ? null : (
          <button type="button" className="button small" onClick={() => void revoke(k)}>
            {t('tokens.revoke')}
          </button>
        ),
    },
  ];

  return (
    <>
      <Card>
        <ErrorLine error={tokens.error} />
        <Table columns={columns} rows={tokens.data?.tokens ?? []} rowKey={(k) => k.id} />
      </Card>
      <Card title={t('tokens.add')}>
        <form className="form-grid" onSubmit={submit}>
          <label className="field">
            <span>{t('tokens.name')}</span>
            <input name="token-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('tokens.user')}</span>
            <select name="token-user" value={user} onChange={(e) => setUser(e.target.value)}>
              <option value="">—</option>
              {(users.data?.users ?? [])
                .filter((u) => !u.disabled)
                .map((u) => (
                  <option key={u.id} value={u.name}>
                    {u.displayName ? `${u.displayName} (${u.name})` : u.name}
                  </option>
                ))}
            </select>
          </label>
          <div className="form-actions">
            <button type="submit" className="button primary">
              {t('tokens.create')}
            </button>
          </div>
        </form>
        <ErrorLine error={formError} />
        {fresh ? (
          <div className="notice" role="status">
            <p>{t('tokens.shownOnce')}</p>
            <code className="secret">{fresh}</code>
          </div>
        ) : null}
      </Card>
    </>
  );
}

function AuditTab() {
  const { t, i18n } = useTranslation('admin');
  const { data, error } = useResource<{ entries: AuditEntry[] }>('/audit', { limit: 500 });
  const entries = data?.entries ?? [];
  const option = useMemo(() => {
    const days: string[] = [];
    for (let i = 13; i >= 0; i--) days.push(new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10));
    const counts = new Map(days.map((day) => [day, 0]));
    for (const entry of entries) {
      const day = entry.at.slice(0, 10);
      if (counts.has(day)) counts.set(day, (counts.get(day) ?? 0) + 1);
    }
    return {
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis' as const },
      xAxis: { type: 'category' as const, data: days.map((day) => day.slice(5)) },
      yAxis: { type: 'value' as const, minInterval: 1 },
      series: [{ type: 'bar' as const, data: days.map((day) => counts.get(day) ?? 0) }],
    };
  }, [entries]);

  const columns: Column<AuditEntry>[] = [
    { key: 'at', header: t('audit.at'), render: (e) => formatTime(e.at, i18n.language), sortValue: (e) => e.at },
    { key: 'actor', header: t('audit.actor'), sortValue: (e) => e.actor },
    { key: 'action', header: t('audit.action'), render: (e) => <code>{e.action}</code>, sortValue: (e) => e.action },
    { key: 'target', header: t('audit.target'), render: (e) => e.target ?? '', hideOnPhone: true },
  ];
  return (
    <>
      <Card title={t('audit.chart')}>
        <Chart option={option} height={220} ariaLabel={t('audit.chart')} />
      </Card>
      <Card>
        <ErrorLine error={error} />
        <Table columns={columns} rows={entries.slice(0, 100)} rowKey={(e) => String(e.id)} />
      </Card>
    </>
  );
}

const TABS = ['users', 'tokens', 'audit'] as const;

export default function AdminPage(_props: PageProps) {
  const { t } = useTranslation('admin');
  const { path, navigate } = useRoute();
  const query = useQuery();
  const tab = TABS.find((candidate) => candidate === query.tab) ?? 'users';
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <div className="tabs" role="tablist">
        {TABS.map((candidate) => (
          <button
            key={candidate}
            type="button"
            role="tab"
            aria-selected={tab === candidate}
            className={`tab ${tab === candidate ? 'active' : ''}`}
            onClick={() => navigate(`${path}?tab=${candidate}`, { replace: true })}
          >
            {t(`tabs.${candidate}`)}
          </button>
        ))}
      </div>
      {tab === 'users' ? <UsersTab /> : tab === 'tokens' ? <TokensTab /> : <AuditTab />}
    </>
  );
}
