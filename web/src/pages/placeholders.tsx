import { useTranslation } from 'react-i18next';
import { Card, PageHeader } from '../components/Card';

/**
 * Stand-ins for capability pages that are not built yet: each says what the page will hold.
 * A capability gives its registry line a `component` and the placeholder goes away.
 */
const PLANS: Record<string, { vi: { title: string; items: string[] }; en: { title: string; items: string[] } }> = {
  overview: {
    vi: {
      title: 'Tổng quan',
      items: [
        'Điểm đánh giá an toàn thư điện tử và cổng thông tin của cơ quan',
        'Số tài khoản bị lộ lọt chưa xử lý',
        'Trạng thái giám sát các dịch vụ trực tuyến',
        'Sự cố đang mở và hạn báo cáo sắp tới',
      ],
    },
    en: {
      title: 'Overview',
      items: [
        'Security scores of the agency’s mail domains and web portals',
        'Leaked accounts not yet handled',
        'Watch status of the online services',
        'Open incidents and upcoming report deadlines',
      ],
    },
  },
  assessment: {
    vi: {
      title: 'Đánh giá',
      items: [
        'Kết quả kiểm tra SPF, DKIM, DMARC, MTA-STS, TLS của tên miền thư',
        'Kiểm tra HTTPS, chứng thư số và tiêu đề bảo mật của cổng thông tin',
        'Lịch sử các lần đánh giá và hướng dẫn khắc phục',
      ],
    },
    en: {
      title: 'Assessment',
      items: [
        'SPF, DKIM, DMARC, MTA-STS and TLS checks of the mail domains',
        'HTTPS, certificate and security-header checks of the web portals',
        'History of runs and how to fix each finding',
      ],
    },
  },
  leaks: {
    vi: {
      title: 'Lộ lọt',
      items: ['Tài khoản của cán bộ xuất hiện trong dữ liệu bị lộ', 'Phân loại, giao xử lý và theo dõi đổi mật khẩu', 'Nhập dữ liệu lộ lọt mới'],
    },
    en: {
      title: 'Leaks',
      items: ['Staff accounts found in leaked data', 'Triage, assignment and password-change follow-up', 'Import of new leak data'],
    },
  },
  watch: {
    vi: {
      title: 'Giám sát',
      items: ['Bảng trạng thái trực tiếp của các dịch vụ', 'Phát hiện thay đổi giao diện (deface) cổng thông tin', 'Lịch trực và cảnh báo'],
    },
    en: { title: 'Watch', items: ['Live status board of the services', 'Defacement detection on the portals', 'On-call rota and alerts'] },
  },
  incidents: {
    vi: { title: 'Sự cố', items: ['Danh sách sự cố và diễn biến xử lý', 'Bằng chứng kèm theo', 'Thời hạn báo cáo lên cơ quan cấp trên'] },
    en: { title: 'Incidents', items: ['Incidents and their timeline', 'Attached evidence', 'Deadlines for reporting upward'] },
  },
  reports: {
    vi: { title: 'Báo cáo', items: ['Báo cáo định kỳ theo mẫu (PDF, XLSX)', 'Báo cáo sự cố gửi cơ quan chủ quản', 'Lưu trữ các báo cáo đã gửi'] },
    en: { title: 'Reports', items: ['Periodic reports in the official format (PDF, XLSX)', 'Incident reports to the parent body', 'Archive of reports sent'] },
  },
};

/** A page that is not built yet: says what it will hold (the Layout shows it for pages without a component). */
export function PlaceholderPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const plan = PLANS[id]?.[i18n.language === 'en' ? 'en' : 'vi'];
  return (
    <>
      <PageHeader title={plan?.title ?? id} />
      <Card>
        <p className="muted">{t('placeholder.soon')}</p>
        <ul className="plan">
          {(plan?.items ?? []).map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </Card>
    </>
  );
}
