/** What a notification says, independent of the channel that carries it. Vietnamese first. */
export interface AlertItem {
  alertId: string;
  monitor: string;
  kind: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  /** 'open' = new, 'reminder' = resent, 'escalated', 'resolved'. */
  phase: 'open' | 'reminder' | 'escalated' | 'resolved';
  summary: string;
  at: string;
  ackUrl?: string;
}

export interface AlertMessage {
  title: string;
  text: string;
  items: AlertItem[];
  onDuty?: { primary?: string; secondary?: string; notify?: string[] };
  /** Extra recipients picked by the roster (emails, Telegram chat ids). */
  recipients?: { emails: string[]; telegramChatIds: string[] };
}

const PHASE_VI: Record<AlertItem['phase'], string> = { open: 'CẢNH BÁO', reminder: 'NHẮC LẠI', escalated: 'LEO THANG', resolved: 'ĐÃ KHÔI PHỤC' };
const KIND_VI: Record<string, string> = {
  down: 'ngừng hoạt động',
  degraded: 'hoạt động chậm/suy giảm',
  defacement: 'nghi bị thay đổi giao diện (deface)',
  'dns-change': 'bản ghi DNS thay đổi',
  'cert-expiry': 'chứng thư số sắp hết hạn',
};

export function composeMessage(items: AlertItem[], onDuty?: AlertMessage['onDuty']): AlertMessage {
  const worst = items.some((i) => i.phase !== 'resolved');
  const title =
    items.length === 1
      ? `[vigil] ${PHASE_VI[items[0]!.phase]}: ${items[0]!.monitor} — ${KIND_VI[items[0]!.kind] ?? items[0]!.kind}`
      : `[vigil] ${items.length} ${worst ? 'cảnh báo' : 'thông báo khôi phục'} / ${items.length} alerts`;
  const lines = items.map((i) => {
    const head = `• ${PHASE_VI[i.phase]} / ${i.phase.toUpperCase()} — ${i.monitor}: ${KIND_VI[i.kind] ?? i.kind} (${i.kind})`;
    return `${head}\n  ${i.summary}\n  ${i.at}${i.ackUrl ? `\n  Xác nhận / acknowledge: ${i.ackUrl}` : ''}`;
  });
  if (onDuty?.primary) lines.push(`Trực chính / primary on duty: ${onDuty.primary}${onDuty.secondary ? ` · Trực phụ / secondary: ${onDuty.secondary}` : ''}`);
  return { title, text: lines.join('\n'), items, ...(onDuty ? { onDuty } : {}) };
}
