import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiPost, apiUrl } from '../../api';
import type { PageProps } from '../types';

interface Source {
  id: string;
  name: string;
  title: string;
  breachDate: string | null;
  addedDate: string;
  pwnCount: number;
  orgCount: number;
  dataClasses: string[];
}

interface Account {
  email: string;
  staffName: string | null;
  unit: string | null;
  assignedUnit: string | null;
  state: string;
  severity: string;
  passwordKind: string;
  passwordMask: string | null;
  sources: string[];
}

interface Progress {
  unit: string;
  states: Record<string, number>;
  total: number;
}

const STATES = ['detected', 'notified', 'reset_requested', 'remediated', 'dismissed', 'confirmed_compromised', 'closed'] as const;
const STATE_VI: Record<string, string> = {
  detected: 'Phát hiện',
  notified: 'Đã thông báo',
  reset_requested: 'Đã yêu cầu đổi mật khẩu',
  remediated: 'Đã khắc phục',
  dismissed: 'Bỏ qua',
  confirmed_compromised: 'Xác nhận bị chiếm',
  closed: 'Đã đóng',
};
const DONE = new Set(['remediated', 'dismissed', 'closed']);

/** SHA-1 in the browser (WebCrypto): only the first 5 hex digits leave the page. */
async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

function PasswordCheck({ vi }: { vi: boolean }) {
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const check = async () => {
    const hash = await sha1Hex(password);
    const range = await apiGet<{ suffixes: string[] }>(`/passwords/range/${hash.slice(0, 5)}`);
    const hit = range.suffixes.find((line) => line.split(':')[0] === hash.slice(5));
    const count = hit ? Number(hit.split(':')[1]) : 0;
    setResult(
      count > 0
        ? vi
          ? `Mật khẩu này đã lộ ${count} lần — hãy đổi ngay và không dùng lại.`
          : `This password appeared ${count} times in breaches — change it and never reuse it.`
        : vi
          ? 'Không tìm thấy trong dữ liệu đã nạp.'
          : 'Not found in the loaded corpus.',
    );
  };
  return (
    <section className="card" data-testid="password-check">
      <h2>{vi ? 'Tự kiểm tra mật khẩu' : 'Password self-check'}</h2>
      <p>
        {vi
          ? 'Mật khẩu được băm trong trình duyệt; chỉ 5 ký tự đầu của mã băm được gửi đi.'
          : 'Hashed in your browser; only the first 5 characters of the hash are sent.'}
      </p>
      <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} aria-label="password" autoComplete="off" />
      <button type="button" onClick={() => void check()} disabled={!password}>
        {vi ? 'Kiểm tra' : 'Check'}
      </button>
      {result && <p data-testid="password-result">{result}</p>}
    </section>
  );
}

export default function LeaksPage(_props: PageProps) {
  const { i18n } = useTranslation();
  const vi = !i18n.language?.startsWith('en');
  const [sources, setSources] = useState<Source[]>([]);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [progress, setProgress] = useState<Progress[]>([]);
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState<string>('notified');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [s, a, p] = await Promise.all([
        apiGet<Source[]>('/leaks/sources'),
        apiGet<Account[]>('/leaks/accounts', state ? { state } : undefined),
        apiGet<Progress[]>('/leaks/progress'),
      ]);
      setSources(s);
      setAccounts(a);
      setProgress(p);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [state]);

  useEffect(() => {
    void load();
  }, [load]);

  const move = async () => {
    await apiPost('/leaks/accounts/state', { emails: [...selected], state: target });
    setSelected(new Set());
    await load();
  };

  return (
    <div className="page leaks-page">
      <h1>{vi ? 'Lộ lọt — tài khoản bị lộ' : 'Leaks — leaked accounts'}</h1>
      {error && <p role="alert">{error}</p>}
      <section className="card">
        <h2>{vi ? 'Nguồn dữ liệu lộ lọt' : 'Leak sources'}</h2>
        <table>
          <thead>
            <tr>
              <th>{vi ? 'Tên' : 'Name'}</th>
              <th>{vi ? 'Ngày lộ' : 'Breach date'}</th>
              <th>{vi ? 'Địa chỉ (toàn bộ)' : 'Addresses (all)'}</th>
              <th>{vi ? 'Của đơn vị' : 'Ours'}</th>
              <th>{vi ? 'Loại dữ liệu' : 'Data classes'}</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id}>
                <td>{s.title}</td>
                <td>{s.breachDate ?? '—'}</td>
                <td>{s.pwnCount.toLocaleString()}</td>
                <td>{s.orgCount}</td>
                <td>{s.dataClasses.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>{vi ? 'Tiến độ theo đơn vị' : 'Progress by unit'}</h2>
        {progress.map((p) => {
          const done = Object.entries(p.states).reduce((n, [k, v]) => n + (DONE.has(k) ? v : 0), 0);
          return (
            <div key={p.unit} className="progress-row">
              <span>{p.unit}</span> <progress max={p.total} value={done} /> {done}/{p.total}
            </div>
          );
        })}
      </section>
      <section className="card">
        <h2>{vi ? 'Tài khoản' : 'Accounts'}</h2>
        <label>
          {vi ? 'Trạng thái' : 'State'}{' '}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{vi ? 'Tất cả' : 'All'}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {vi ? STATE_VI[s] : s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>{' '}
        <a href={apiUrl('/leaks/accounts/export.xlsx', state ? { state } : undefined)}>XLSX</a>
        <div>
          <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="target state">
            {STATES.map((s) => (
              <option key={s} value={s}>
                {vi ? STATE_VI[s] : s}
              </option>
            ))}
          </select>
          <button type="button" disabled={selected.size === 0} onClick={() => void move()}>
            {vi ? `Chuyển ${selected.size} tài khoản` : `Move ${selected.size} accounts`}
          </button>
        </div>
        <table data-testid="leak-accounts">
          <thead>
            <tr>
              <th />
              <th>{vi ? 'Địa chỉ' : 'Address'}</th>
              <th>{vi ? 'Cán bộ' : 'Person'}</th>
              <th>{vi ? 'Đơn vị' : 'Unit'}</th>
              <th>{vi ? 'Mức độ' : 'Severity'}</th>
              <th>{vi ? 'Mật khẩu (che)' : 'Password (masked)'}</th>
              <th>{vi ? 'Trạng thái' : 'State'}</th>
              <th>{vi ? 'Nguồn' : 'Sources'}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.email}>
                <td>
                  <input
                    type="checkbox"
                    checked={selected.has(a.email)}
                    onChange={(e) => {
                      const next = new Set(selected);
                      if (e.target.checked) next.add(a.email);
                      else next.delete(a.email);
                      setSelected(next);
                    }}
                  />
                </td>
                <td>{a.email}</td>
                <td>{a.staffName ?? '—'}</td>
                <td>{a.assignedUnit ?? a.unit ?? '—'}</td>
                <td>{a.severity}</td>
                <td>{a.passwordMask ?? '—'}</td>
                <td>{vi ? (STATE_VI[a.state] ?? a.state) : a.state}</td>
                <td>{a.sources.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <PasswordCheck vi={vi} />
    </div>
  );
}
