/** The commented example `vigil init` writes (Vietnamese first, English after each comment). */
export const CONFIG_TEMPLATE = `# vigil.yaml — cấu hình của đơn vị / configuration of the organisation
# Mọi mục đều tùy chọn; khóa không hợp lệ sẽ bị báo lỗi.
# Every section is optional; unknown keys are reported as errors.

# Thông tin đơn vị (dùng trong báo cáo gửi cấp trên) / organisation (used in official reports)
organisation:
  name: Sở Thông tin và Truyền thông tỉnh Demo
  parent: Ủy ban nhân dân tỉnh Demo          # cơ quan chủ quản / parent body
  address: 01 Đường Trần Phú, TP. Demo
  phone: "0200 3800 000"
  email: vanthu@so-demo.gov.vn.test
  code: STTTT                               # ký hiệu viết tắt / short code for document numbers

# Tên miền thư điện tử công vụ / official mail domains
mail:
  domains:
    - so-demo.gov.vn.test
  # Bộ chọn DKIM bổ sung / extra DKIM selectors to try (common ones are built in)
  dkimSelectors: [mail2024]
  # Địa chỉ IP gửi thư ra ngoài phải qua SPF / outbound IPs that must pass SPF
  outboundIps: [127.0.10.25]

# Cổng/trang thông tin điện tử / websites and portals
websites:
  - url: https://so-demo.gov.vn.test/
    name: Cổng thông tin điện tử
    portal: true          # theo dõi thay đổi giao diện / watch for defacement

# Mạng / network: cách vigil kết nối và phạm vi được phép / how probes connect and what they may reach
# Giám sát và đánh giá chỉ kết nối tới tên miền thư, trang web, monitor khai báo trong tệp này
# và các mục trong targets; địa chỉ nội bộ (10.x, 192.168.x, 127.x…) phải liệt kê rõ;
# 169.254.0.0/16 và fd00:ec2::254 (metadata đám mây) chỉ khi liệt kê đúng dải đó.
# Monitors and assessments reach only the mail domains, websites and monitors declared in this
# file plus the targets below; private addresses must be listed; cloud metadata only explicitly.
# network:
#   resolver: 10.0.0.53:53          # DNS nội bộ / internal resolver (default: the system's)
#   ca: [ca-noi-bo.pem]             # CA nội bộ / extra trusted root CA (PEM, relative to this file)
#   targets:
#     - noibo.so-demo.gov.vn.test   # tên miền và tên miền con / a domain and its subdomains
#     - 10.20.0.0/16                # dải IP nội bộ / a private range (CIDR or one address)

# Danh bạ cán bộ (CSV: họ tên, email, đơn vị, điện thoại) / staff directory CSV
staff:
  directory: staff.csv

# Kênh cảnh báo / notification channels
notifications:
  smtp:
    host: mail.so-demo.gov.vn.test
    port: 587
    from: vigil@so-demo.gov.vn.test
    passwordEnv: VIGIL_SMTP_PASSWORD    # mật khẩu lấy từ biến môi trường / password from env
  channels:
    - name: Trực ban
      type: email
      to: [trucban@so-demo.gov.vn.test]

# Cán bộ trực / on-call people
onCall:
  people:
    - name: Nguyễn Văn An
      email: an.nv@so-demo.gov.vn.test
      phone: "0912 000 001"
`;
