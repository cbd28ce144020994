import { describe, expect, it } from 'vitest';
import { comparePage, learnBaseline } from './compare.js';
import { extractPage } from './extract.js';

const URL_ = 'https://portal.example.gov.vn/';
const HEADLINES = [
  'Hội nghị triển khai chuyển đổi số năm 2027 của tỉnh',
  'Thông báo lịch tiếp công dân tháng 12 của lãnh đạo Sở',
  'Kết quả kiểm tra an toàn thông tin các cơ quan nhà nước',
  'Hướng dẫn nộp hồ sơ trực tuyến mức độ 4 trên cổng dịch vụ công',
  'Tăng cường bảo đảm an toàn thông tin dịp nghỉ Tết',
];

function portal(variant: number, extra = { head: '', body: '', title: 'Cổng thông tin điện tử Sở TT&TT' }): string {
  const headline = HEADLINES[variant % HEADLINES.length];
  return `<!doctype html><html><head><title>${extra.title}</title>
  <script src="https://portal.example.gov.vn/static/app.js"></script>
  <script src="https://cdn.example.gov.vn/jquery.js"></script>${extra.head}</head><body>
  <header><h1>Sở Thông tin và Truyền thông tỉnh Mẫu</h1><p>Giờ hệ thống: ${10 + variant}:${20 + variant}:0${variant}</p></header>
  <nav><ul><li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/tin-tuc">Tin tức</a></li><li><a href="/van-ban">Văn bản</a></li></ul></nav>
  <main><h2>Tin nổi bật</h2><p class="rotating">${headline}</p>
  <p>Cổng thông tin điện tử cung cấp thông tin chính thức về hoạt động của Sở, các văn bản quy phạm pháp luật, thủ tục hành chính và dịch vụ công trực tuyến cho người dân và doanh nghiệp.</p>
  <p>Lượt truy cập: ${123456 + variant * 17}</p>
  <p>Địa chỉ: 12 Đường Trần Phú, thành phố Mẫu. Điện thoại: 0123 456 789. Thư điện tử: stttt@example.gov.vn</p>
  ${extra.body}</main><img src="/logo.png"></body></html>`;
}

const baseHtml = [0, 1, 2].map((v) => portal(v));
const baseline = learnBaseline(
  baseHtml.map((h) => extractPage(h, URL_)),
  undefined,
  baseHtml,
);

function check(html: string) {
  return comparePage(baseline, extractPage(html, URL_), html, { threshold: 0.3 });
}

describe('defacement comparison', () => {
  it('learns which parts change by themselves', () => {
    expect(baseline.samples).toBe(3);
    expect(baseline.churnBudget).toBeGreaterThan(0);
    expect(baseline.stableBlocks.some((b) => b.includes('cổng thông tin điện tử cung cấp'))).toBe(true);
    expect(baseline.stableBlocks.some((b) => b.includes('hội nghị'))).toBe(false);
  });

  it('raises nothing for rotating headlines, clocks and counters', () => {
    for (let v = 3; v < 12; v++) {
      const finding = check(portal(v));
      expect(finding.level, `variant ${v}: ${finding.reasons.join('; ')}`).toBeNull();
    }
  });

  it('a defacer banner alone is a warning', () => {
    const finding = check(portal(1, { head: '', title: 'Cổng thông tin điện tử Sở TT&TT', body: '<p>Hacked by Ghost Squad — greetz to all</p>' }));
    expect(finding.level).toBe('warning');
    expect(finding.artefacts.map((a) => a.id)).toContain('phrase.hacked-by');
  });

  it('content replaced by a defacer page is a likely defacement', () => {
    const html =
      '<html><head><title>HACKED BY 1877 TEAM</title></head><body><center><h1>Hacked by 1877 Team</h1><p>Your security is down. Greetz: all crew</p></center></body></html>';
    const finding = check(html);
    expect(finding.level).toBe('defacement');
    expect(finding.changeRatio).toBeGreaterThan(0.9);
    expect(finding.artefacts.map((a) => a.id)).toEqual(expect.arrayContaining(['title.hacked', 'phrase.hacked-by', 'team.known']));
  });

  it('an injected script from a new domain is a likely defacement', () => {
    const finding = check(portal(2, { head: '<script src="https://evil-cdn.example.net/x.js"></script>', body: '', title: 'Cổng thông tin điện tử Sở TT&TT' }));
    expect(finding.level).toBe('defacement');
    expect(finding.newScriptHosts).toEqual(['evil-cdn.example.net']);
  });

  it('content replaced without artefacts is a change event', () => {
    const html = `<html><head><title>Trang bảo trì</title></head><body><h1>Trang đang bảo trì</h1><p>Hệ thống đang được nâng cấp, vui lòng quay lại sau. Xin cảm ơn quý khách đã quan tâm theo dõi.</p></body></html>`;
    const finding = check(html);
    expect(finding.level).toBe('change');
    expect(finding.removedRatio).toBeGreaterThan(0.5);
  });

  it('ignore rules remove volatile selectors and patterns', () => {
    const ignore = { selectors: ['.rotating'], patterns: ['Lượt truy cập: \\d+'] };
    const facts = extractPage(portal(0), URL_, ignore);
    expect(facts.text).not.toContain('hội nghị');
    expect(facts.text).not.toContain('lượt truy cập');
  });
});
