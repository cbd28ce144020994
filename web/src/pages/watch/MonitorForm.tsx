import { useState } from 'react';
import { ApiError, apiPatch, apiPost } from '../../api';
import { useL } from './data';

/**
 * Add a monitor (POST /watch/monitors, same fields as vigil.yaml) or edit one (PATCH
 * /watch/monitors/:id with only the fields that changed). Durations are shown and sent as text
 * ("60s", "5m"): the API reads a bare number as seconds, while stored specs hold milliseconds.
 */
export type MonitorSpec = Record<string, unknown> & { name?: string; type?: string; tags?: Record<string, unknown> };

const TYPES = ['http', 'tcp', 'dns', 'tls', 'smtp', 'heartbeat'] as const;
const DURATIONS = ['interval', 'timeout', 'degradedAfter', 'period', 'grace'] as const;

/** 60000 → "60s", 300000 → "5m" (a stored spec holds milliseconds); text stays as written. */
export function durationText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  for (const [unit, ms] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const)
    if (value >= ms && value % ms === 0) return `${value / ms}${unit}`;
  return `${value}ms`;
}

interface FormState {
  [key: string]: string | boolean;
}

function toForm(spec: MonitorSpec): FormState {
  const tags = (spec.tags ?? {}) as Record<string, unknown>;
  const form: FormState = {
    name: String(spec.name ?? ''),
    id: String(spec.id ?? ''),
    type: String(spec.type ?? 'http'),
    url: String(spec.url ?? ''),
    host: String(spec.host ?? ''),
    port: spec.port === undefined ? '' : String(spec.port),
    keyword: String(spec.keyword ?? ''),
    recordType: String(spec.recordType ?? 'A'),
    expected: Array.isArray(spec.expected) ? (spec.expected as string[]).join(', ') : '',
    retries: spec.retries === undefined ? '' : String(spec.retries),
    unit: String(tags.unit ?? ''),
    system: String(tags.system ?? ''),
    securityLevel: tags.securityLevel === undefined ? '' : String(tags.securityLevel),
    defacement: spec.defacement === undefined ? true : Boolean(spec.defacement),
    enabled: spec.enabled === undefined ? true : Boolean(spec.enabled),
  };
  for (const key of DURATIONS) form[key] = durationText(spec[key]);
  return form;
}

/** The API body from the form: only fields that apply to the type and are filled in. */
function toBody(form: FormState): MonitorSpec {
  const s = (key: string) => String(form[key] ?? '').trim();
  const body: MonitorSpec = { name: s('name'), type: s('type') };
  if (s('id')) body.id = s('id');
  for (const key of DURATIONS) if (s(key)) body[key] = s(key);
  if (s('retries')) body.retries = Number(s('retries'));
  const tags: Record<string, unknown> = {};
  if (s('unit')) tags.unit = s('unit');
  if (s('system')) tags.system = s('system');
  if (s('securityLevel')) tags.securityLevel = /^\d+$/.test(s('securityLevel')) ? Number(s('securityLevel')) : s('securityLevel');
  body.tags = tags;
  body.enabled = Boolean(form.enabled);
  const type = s('type');
  if (type === 'http') {
    body.url = s('url');
    if (s('keyword')) body.keyword = s('keyword');
    body.defacement = Boolean(form.defacement);
  }
  if (['tcp', 'dns', 'tls', 'smtp'].includes(type)) body.host = s('host');
  if (['tcp', 'tls', 'smtp'].includes(type) && s('port')) body.port = Number(s('port'));
  if (type === 'dns') {
    body.recordType = s('recordType') || 'A';
    const expected = s('expected')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (expected.length) body.expected = expected;
  }
  if (type !== 'heartbeat') {
    delete body.period;
    delete body.grace;
  }
  if (type !== 'http') delete body.degradedAfter;
  return body;
}

/** Fields whose value differs from the original (tags compared as a whole). */
function changedFields(before: MonitorSpec, after: MonitorSpec): MonitorSpec {
  const original = toBody(toForm(before));
  const out: MonitorSpec = {};
  for (const [key, value] of Object.entries(after)) if (JSON.stringify(value) !== JSON.stringify(original[key])) out[key] = value;
  return out;
}

export function MonitorForm({
  initial,
  editId,
  onSaved,
  onCancel,
}: {
  initial?: MonitorSpec;
  /** Edit this monitor (PATCH); without it the form adds a monitor (POST). */
  editId?: string;
  onSaved: (id: string) => void;
  onCancel?: () => void;
}) {
  const L = useL();
  const [form, setForm] = useState<FormState>(() => toForm(initial ?? { type: 'http', interval: '60s', timeout: '10s' }));
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const type = String(form.type);
  const set = (key: string) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const text = (key: string, label: string, props: Record<string, unknown> = {}) => (
    <label className="field">
      <span>{label}</span>
      <input name={key} value={String(form[key] ?? '')} onChange={set(key)} {...props} />
    </label>
  );

  const save = async () => {
    setState({ busy: true });
    try {
      const body = toBody(form);
      if (editId) {
        const patch = changedFields(initial ?? {}, body);
        if (Object.keys(patch).length) await apiPatch(`/watch/monitors/${encodeURIComponent(editId)}`, patch);
        onSaved(editId);
      } else {
        const created = await apiPost<{ id: string }>('/watch/monitors', body);
        onSaved(created.id);
      }
    } catch (error) {
      setState({
        busy: false,
        error:
          error instanceof ApiError
            ? error.status === 404 && editId
              ? L('Máy chủ chưa hỗ trợ sửa mục theo dõi (PATCH).', 'The server cannot edit monitors yet (PATCH).')
              : `${error.message}${error.hint ? ` — ${error.hint}` : ''}`
            : (error as Error).message,
      });
    }
  };

  return (
    <form
      className="watch-form"
      data-testid="watch-monitor-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="form-grid">
        {text('name', L('Tên', 'Name'), { required: true })}
        <label className="field">
          <span>{L('Loại', 'Type')}</span>
          <select name="type" value={type} onChange={set('type')} disabled={Boolean(editId)}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        {editId ? null : text('id', L('Mã (tuỳ chọn)', 'Id (optional)'), { placeholder: 'cong-ttdt', pattern: '[a-z0-9][a-z0-9._\\-]{0,80}' })}
        {type === 'http' ? text('url', 'URL', { type: 'url', required: true, placeholder: 'https://portal.example.gov.vn/' }) : null}
        {['tcp', 'dns', 'tls', 'smtp'].includes(type)
          ? text('host', type === 'dns' ? L('Tên miền', 'Domain') : L('Máy chủ', 'Host'), { required: true })
          : null}
        {['tcp', 'tls', 'smtp'].includes(type) ? text('port', L('Cổng', 'Port'), { inputMode: 'numeric', required: type === 'tcp' }) : null}
        {type === 'dns' ? (
          <label className="field">
            <span>{L('Bản ghi', 'Record')}</span>
            <select name="recordType" value={String(form.recordType)} onChange={set('recordType')}>
              {['A', 'AAAA', 'MX', 'NS', 'TXT', 'CNAME'].map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
        ) : null}
        {type === 'dns' ? text('expected', L('Giá trị mong đợi (phân cách dấu phẩy)', 'Expected values (comma-separated)')) : null}
        {type === 'http' ? text('keyword', L('Từ khoá phải có', 'Keyword that must be present')) : null}
        {type === 'heartbeat' ? text('period', L('Chu kỳ gọi', 'Expected every'), { placeholder: '1d', required: true }) : null}
        {type === 'heartbeat' ? text('grace', L('Cho phép trễ', 'Grace'), { placeholder: '1h' }) : null}
        {text('interval', L('Chu kỳ kiểm tra', 'Interval'), { placeholder: '60s' })}
        {text('timeout', L('Thời gian chờ', 'Timeout'), { placeholder: '10s' })}
        {type === 'http' ? text('degradedAfter', L('Chậm hơn thì là suy giảm', 'Degraded when slower than'), { placeholder: '2s' }) : null}
        {text('retries', L('Số lần lỗi trước khi báo', 'Failures before alerting'), { inputMode: 'numeric', placeholder: '0' })}
        {text('unit', L('Đơn vị', 'Unit'))}
        {text('system', L('Hệ thống', 'System'))}
        {text('securityLevel', L('Cấp độ an toàn (1–5)', 'Security level (1–5)'), { inputMode: 'numeric' })}
      </div>
      <div className="watch-form-checks">
        {type === 'http' ? (
          <label className="watch-check">
            <input type="checkbox" checked={Boolean(form.defacement)} onChange={(e) => setForm((f) => ({ ...f, defacement: e.target.checked }))} />{' '}
            {L('Phát hiện thay đổi giao diện (deface)', 'Defacement detection')}
          </label>
        ) : null}
        <label className="watch-check">
          <input type="checkbox" checked={Boolean(form.enabled)} onChange={(e) => setForm((f) => ({ ...f, enabled: e.target.checked }))} />{' '}
          {L('Đang theo dõi (bỏ chọn để tạm dừng)', 'Enabled (untick to pause)')}
        </label>
      </div>
      {state.error ? <p className="error">{state.error}</p> : null}
      <div className="watch-actions">
        <button type="submit" className="button primary" disabled={state.busy} data-testid="watch-monitor-save">
          {state.busy ? L('Đang lưu…', 'Saving…') : editId ? L('Lưu thay đổi', 'Save changes') : L('Thêm mục theo dõi', 'Add monitor')}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            {L('Huỷ', 'Cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
