import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { roleAllows, useAuth } from '../../auth';
import { Card, PageHeader } from '../../components/Card';
import { ErrorBoundary } from '../../layout/ErrorBoundary';
import type { PageProps } from '../types';
import { overviewPanels } from './panels';

/** What the overview will show for each capability until that capability adds its panel. */
const COMING: Record<string, { vi: string; en: string }> = {
  assessment: { vi: 'Điểm đánh giá an toàn thư điện tử và cổng thông tin của cơ quan', en: 'Security scores of the agency’s mail domains and web portals' },
  leaks: { vi: 'Số tài khoản bị lộ lọt chưa xử lý', en: 'Leaked accounts not yet handled' },
  watch: { vi: 'Trạng thái giám sát các dịch vụ trực tuyến', en: 'Watch status of the online services' },
  incidents: { vi: 'Sự cố đang mở và hạn báo cáo sắp tới', en: 'Open incidents and upcoming report deadlines' },
};

/** Tổng quan: one tile per capability (panels.tsx), and a note of what is still to come. */
export default function OverviewPage(_props: PageProps) {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const language = i18n.language === 'en' ? 'en' : 'vi';
  const panels = overviewPanels.filter((panel) => roleAllows(user.role, panel.minRole));
  const coming = Object.entries(COMING).filter(([id]) => !overviewPanels.some((panel) => panel.id === id));
  return (
    <>
      <PageHeader title={language === 'en' ? 'Overview' : 'Tổng quan'} />
      <div className="overview-grid">
        {panels.map((panel) => {
          const Panel = panel.component;
          return (
            <ErrorBoundary key={panel.id}>
              <Suspense fallback={<Card>{t('loading')}</Card>}>
                <Panel />
              </Suspense>
            </ErrorBoundary>
          );
        })}
      </div>
      {coming.length > 0 ? (
        <Card>
          <p className="muted">{t('placeholder.soon')}</p>
          <ul className="plan">
            {coming.map(([id, text]) => (
              <li key={id}>{text[language]}</li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
