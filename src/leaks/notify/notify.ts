import nodemailer from 'nodemailer';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { siteShape } from '../formats/site.js';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  passwordEnv?: string | undefined;
  from: string;
}

export interface PendingNotice {
  email: string;
  to: string;
  staffName: string | null;
  sourceId: string;
  sourceName: string;
  breachDate: string | null;
  severity: string;
  passwordKind: string;
  passwordMask: string | null;
  url: string | null;
}

export interface NotifyResult {
  sent: { email: string; to: string; source: string; messageId: string | null }[];
  pending: PendingNotice[];
  failed: { email: string; source: string; error: string }[];
  dryRun: boolean;
}

const WHAT_LEAKED: Record<string, { vi: string; en: string }> = {
  address: { vi: 'địa chỉ thư điện tử', en: 'your email address' },
  hashed: { vi: 'địa chỉ thư và mật khẩu đã băm', en: 'your email address and a hashed password' },
  plaintext: { vi: 'địa chỉ thư và mật khẩu ở dạng rõ', en: 'your email address and a plaintext password' },
  stealer: {
    vi: 'địa chỉ thư và mật khẩu bị mã độc đánh cắp từ trình duyệt (nhật ký stealer)',
    en: 'your email address and a password stolen from a browser by malware (stealer log)',
  },
};

/** The notice: Vietnamese first, English after; says which source, what leaked, what to do. */
export function composeNotice(n: PendingNotice, organisation: string): { subject: string; text: string } {
  const what = WHAT_LEAKED[n.severity] ?? WHAT_LEAKED.address!;
  const when = n.breachDate ? ` (${n.breachDate})` : '';
  const mask = n.passwordMask ? ` — mật khẩu / password: ${n.passwordMask}` : '';
  const subject = `[${organisation}] Tài khoản ${n.email} xuất hiện trong dữ liệu lộ lọt / Your account appeared in leaked data`;
  const text = [
    `Kính gửi ${n.staffName ?? n.email},`,
    '',
    `Bộ phận an toàn thông tin phát hiện tài khoản ${n.email} trong nguồn dữ liệu lộ lọt "${n.sourceName}"${when}.`,
    `Thông tin bị lộ: ${what.vi}${mask}.${n.url ? ` Trang web liên quan: ${n.url}.` : ''}`,
    '',
    'Đề nghị đồng chí:',
    '1. Đổi ngay mật khẩu hộp thư công vụ (và mọi tài khoản dùng chung mật khẩu này).',
    '2. Không sử dụng lại mật khẩu cũ; mỗi hệ thống một mật khẩu riêng, đủ dài.',
    '3. Không dùng địa chỉ thư công vụ để đăng ký mạng xã hội, diễn đàn hay dịch vụ không phục vụ công việc (Chỉ thị 4749/BTTTT-CATTT).',
    n.severity === 'stealer' ? '4. Máy tính đã đăng nhập trang web trên có thể nhiễm mã độc: liên hệ bộ phận CNTT để kiểm tra trước khi đổi mật khẩu.' : '',
    '',
    'Thư này do hệ thống vigil gửi tự động; mật khẩu của đồng chí không được lưu trữ.',
    '',
    '---- English ----',
    `Dear ${n.staffName ?? n.email},`,
    `The security team found the account ${n.email} in the leaked data source "${n.sourceName}"${when}.`,
    `What leaked: ${what.en}${n.passwordMask ? ` — password: ${n.passwordMask}` : ''}.${n.url ? ` Related site: ${n.url}.` : ''}`,
    'Please: 1) change your official mailbox password now (and every account sharing it); 2) never reuse passwords;',
    '3) do not register on social networks, forums or non-work services with your official address (directive 4749/BTTTT-CATTT).',
    n.severity === 'stealer' ? '4) The computer used on that site may be infected: contact IT to check it before changing the password.' : '',
    'This message was sent by vigil; your password is not stored.',
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
  return { subject, text };
}

/**
 * The stored site of an account's source as a notice may show it. Imports before formats/site.ts
 * kept a password written before the address (`12/05/1990:login`, `matkhau.vn:login`) in this
 * column, with no password kind; such a value is never mailed. What passes is what the parser
 * takes for a site today: a URL with a scheme, or a host from a line that also had a password
 * after the address (a password kind other than none) or from a stealer log's URL line.
 */
export function noticeSite(url: string | null, passwordKind: string, severity: string): string | null {
  if (!url) return null;
  const shape = siteShape(url);
  if (shape === 'scheme') return url;
  return shape === 'host' && (passwordKind !== 'none' || severity === 'stealer') ? url : null;
}

/** Accounts × sources not yet notified, for accounts still open (detected / reset requested). */
export async function pendingNotices(store: Store): Promise<PendingNotice[]> {
  const rows = await store.db
    .selectFrom('leak_account_sources as p')
    .innerJoin('leak_accounts as a', 'a.email', 'p.email')
    .innerJoin('leak_sources as s', 's.id', 'p.source_id')
    .leftJoin('leak_notifications as n', (j) => j.onRef('n.email', '=', 'p.email').onRef('n.source_id', '=', 'p.source_id'))
    .select(['p.email', 'a.staff_email', 'a.staff_name', 'p.source_id', 's.name', 's.breach_date', 'p.severity', 'p.password_kind', 'p.password_mask', 'p.url'])
    .where('n.email', 'is', null)
    .where('a.state', 'in', ['detected', 'notified', 'reset_requested'])
    .orderBy('p.email')
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({
    email: r.email,
    to: r.staff_email ?? r.email,
    staffName: r.staff_name,
    sourceId: r.source_id,
    sourceName: r.name,
    breachDate: r.breach_date,
    severity: r.severity,
    passwordKind: r.password_kind,
    passwordMask: r.password_mask,
    url: noticeSite(r.url, r.password_kind, r.severity),
  }));
}

/**
 * Send each pending notice once (the notification table, keyed by account and source, makes it
 * idempotent) and move detected accounts to `notified` with a history entry.
 */
export async function notifyAccounts(
  store: Store,
  smtp: SmtpSettings | undefined,
  options: { organisation: string; dryRun?: boolean; actor?: string },
): Promise<NotifyResult> {
  const pending = await pendingNotices(store);
  const result: NotifyResult = { sent: [], pending, failed: [], dryRun: Boolean(options.dryRun) };
  if (options.dryRun || pending.length === 0) return result;
  if (!smtp) {
    throw new VigilError('leaks.smtp-missing', 'sending notices needs notifications.smtp in vigil.yaml', {
      hint: 'notifications:\n  smtp: { host: mail.example.gov.vn, port: 587, from: vigil@example.gov.vn }\n(or use --dry-run to see what would be sent)',
    });
  }
  const password = smtp.passwordEnv ? process.env[smtp.passwordEnv] : smtp.password;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: password ?? '' } } : {}),
  });
  const actor = options.actor ?? 'notify';
  try {
    for (const n of pending) {
      const { subject, text } = composeNotice(n, options.organisation);
      try {
        const info = await transport.sendMail({ from: smtp.from, to: n.to, subject, text, headers: { 'Content-Language': 'vi, en' } });
        const at = new Date().toISOString();
        await store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('leak_notifications')
            .values({ email: n.email, source_id: n.sourceId, sent_at: at, to_address: n.to, message_id: info.messageId ?? null })
            .onConflict((oc) => oc.columns(['email', 'source_id']).doNothing())
            .execute();
          const moved = await trx
            .updateTable('leak_accounts')
            .set({ state: 'notified', state_changed_at: at })
            .where('email', '=', n.email)
            .where('state', '=', 'detected')
            .executeTakeFirst();
          if (Number(moved.numUpdatedRows) > 0) {
            await trx
              .insertInto('leak_state_history')
              .values({ email: n.email, from_state: 'detected', to_state: 'notified', actor, at, note: `notice for ${n.sourceName} sent to ${n.to}` })
              .execute();
          }
          await trx
            .insertInto('audit_log')
            .values({ at, actor, action: 'leaks.notify', target: n.email, detail: JSON.stringify({ source: n.sourceName, to: n.to }) })
            .execute();
        });
        result.sent.push({ email: n.email, to: n.to, source: n.sourceName, messageId: info.messageId ?? null });
      } catch (error) {
        result.failed.push({ email: n.email, source: n.sourceName, error: (error as Error).message });
      }
    }
  } finally {
    transport.close();
  }
  return result;
}
