/**
 * THE error catalogue: every id vigil reports, once, with its HTTP status, CLI exit code, what it
 * means and what to do. `VigilError` takes only these ids (a typo or a new inline id is a compile
 * error), and `docs/errors.md` is generated from this object (`npm run docs:errors`).
 *
 * One object rather than one file per capability: ids cross capabilities (the probe settings
 * builder throws `assessment.*`, `watch.*` and `network.*` ids), a single literal keeps every id
 * unique by construction (a duplicate key is a compile error), and the docs need no merging step.
 *
 * `hint` is the default "what to do" when a throw site does not name the concrete thing itself.
 * Ids are `capability.short-id`: the capability as the API names it (`assessment`, not `assess`).
 */
export interface ErrorEntry {
  /** HTTP status the API answers with. */
  readonly status: number;
  /** CLI exit code; 2 (usage or runtime error) unless said otherwise. */
  readonly exitCode?: number;
  /** What happened, for docs/errors.md. */
  readonly summary: string;
  /** What to do, Vietnamese first. */
  readonly hint: { readonly vi: string; readonly en: string };
}

/** Flags shared by `vigil assess` and `vigil watch` and the settings of `vigil serve` (src/config/probe-context.ts). */
const probeFlags = (area: string) =>
  ({
    'bad-resolver': {
      status: 400,
      summary: `--resolver (${area}) is not HOST:PORT.`,
      hint: { vi: 'ghi máy chủ DNS dạng HOST:PORT, ví dụ 127.0.0.1:53', en: 'write the DNS server as HOST:PORT, e.g. 127.0.0.1:53' },
    },
    'bad-option': {
      status: 400,
      summary: `A numeric option (${area}) such as --dns-timeout is out of range.`,
      hint: { vi: 'xem giới hạn trong thông báo và `vigil --help`', en: 'see the range in the message and `vigil --help`' },
    },
    unreadable: {
      status: 400,
      summary: `A file named by an option (${area}: --ca, --port-map, --lab, the lab CA) cannot be read.`,
      hint: { vi: 'kiểm tra đường dẫn và quyền đọc', en: 'check the path and its permissions' },
    },
    'bad-json': {
      status: 400,
      summary: `--lab or --port-map (${area}) is not valid JSON.`,
      hint: { vi: 'đưa một tệp hoặc JSON trực tiếp, ví dụ {"127.0.10.25:25": 30025}', en: 'give a file or inline JSON, e.g. {"127.0.10.25:25": 30025}' },
    },
    'bad-port-map': {
      status: 400,
      summary: `A port map (${area}) is not an object of "IP:PORT" to a port number.`,
      hint: { vi: 'mỗi khoá là "IP:PORT", mỗi giá trị là cổng 1–65535', en: 'each key is "IP:PORT", each value a port 1–65535' },
    },
  }) as const satisfies Record<string, ErrorEntry>;

type Prefixed<P extends string, T> = { readonly [K in keyof T as `${P}.${K & string}`]: T[K] };
function prefixed<P extends string, T extends Record<string, ErrorEntry>>(prefix: P, entries: T): Prefixed<P, T> {
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [`${prefix}.${k}`, v])) as Prefixed<P, T>;
}

const NOT_FOUND = 404;
const CONFLICT = 409;

export const ERROR_CATALOGUE = {
  // —— HTTP layer ——
  'api.not-found': {
    status: NOT_FOUND,
    summary: 'No API route has this method and path.',
    hint: { vi: 'xem /api/v1/openapi.json', en: 'see /api/v1/openapi.json' },
  },
  'request.invalid': {
    status: 400,
    summary: 'The params, query or body do not match the route’s schema (the message lists the fields).',
    hint: { vi: 'xem /api/v1/openapi.json để biết dạng yêu cầu', en: 'see /api/v1/openapi.json for the expected shape' },
  },
  'request.media-type': {
    status: 415,
    summary: 'The body’s content type is not the one the route takes.',
    hint: { vi: 'gửi application/json (tải tệp lên: application/octet-stream)', en: 'send application/json (uploads: application/octet-stream)' },
  },
  'request.too-large': {
    status: 413,
    summary: 'The request body is larger than the route accepts.',
    hint: { vi: 'gửi phần nhỏ hơn, hoặc dùng CLI cho tệp lớn', en: 'send less, or use the CLI for large files' },
  },
  internal: {
    status: 500,
    summary: 'Something unexpected happened; details are only in the server log.',
    hint: { vi: 'xem nhật ký máy chủ và báo lỗi', en: 'see the server log and report the bug' },
  },
  'internal.response-shape': {
    status: 500,
    summary: 'The server built an answer that does not match the route’s response schema (a bug).',
    hint: { vi: 'báo lỗi kèm nhật ký máy chủ', en: 'report the bug with the server log' },
  },
  'jobs.unknown': {
    status: 500,
    summary: 'A background job was queued under a name no handler is registered for (a bug).',
    hint: { vi: 'báo lỗi kèm nhật ký máy chủ', en: 'report the bug with the server log' },
  },

  // —— sign-in, users, tokens ——
  'auth.required': {
    status: 401,
    summary: 'The route needs a signed-in session or an API token.',
    hint: { vi: 'POST /api/v1/auth/login, hoặc Authorization: Bearer vgl_…', en: 'POST /api/v1/auth/login, or Authorization: Bearer vgl_…' },
  },
  'auth.bad-credentials': {
    status: 401,
    summary: 'Wrong user name or password (403 when the current password of a password change is wrong).',
    hint: { vi: 'kiểm tra tên và mật khẩu; quản trị viên có thể đặt lại mật khẩu', en: 'check the name and password; an admin can reset the password' },
  },
  'auth.bad-token': {
    status: 401,
    summary: 'The API token is unknown, revoked, or its user is disabled.',
    hint: { vi: 'tạo token mới bằng `vigil token create`', en: 'create a new token with `vigil token create`' },
  },
  'auth.csrf': {
    status: 403,
    summary: 'A change made with a session cookie lacks the session’s X-CSRF-Token header.',
    hint: { vi: 'gửi csrfToken từ /auth/login hoặc /auth/me trong X-CSRF-Token', en: 'send the csrfToken of /auth/login or /auth/me as X-CSRF-Token' },
  },
  'auth.forbidden': {
    status: 403,
    summary: 'The signed-in user’s role is below the one the route needs.',
    hint: { vi: 'nhờ quản trị viên cấp vai trò phù hợp', en: 'ask an admin for the needed role' },
  },
  'auth.rate-limited': {
    status: 429,
    summary: 'Too many login attempts or password changes in a short time.',
    hint: { vi: 'chờ, hoặc nhờ quản trị viên chạy `vigil user unlock NAME`', en: 'wait, or ask an admin to run `vigil user unlock NAME`' },
  },
  'auth.no-user': {
    status: NOT_FOUND,
    summary: 'No user has this id or name (401 when the signed-in user was removed).',
    hint: { vi: 'xem danh sách bằng `vigil user list`', en: 'list users with `vigil user list`' },
  },
  'auth.user-exists': {
    status: CONFLICT,
    summary: 'A user with this name already exists.',
    hint: { vi: 'chọn tên khác', en: 'choose another name' },
  },
  'auth.user-disabled': {
    status: CONFLICT,
    summary: 'The user is disabled, so no token can be made for it.',
    hint: { vi: 'bật lại người dùng trước', en: 'enable the user first' },
  },
  'auth.last-admin': {
    status: CONFLICT,
    summary: 'The last enabled admin cannot be demoted, disabled or removed.',
    hint: { vi: 'tạo hoặc bật một quản trị viên khác trước', en: 'create or enable another admin first' },
  },
  'auth.bad-name': {
    status: 400,
    summary: 'The user name is not valid.',
    hint: { vi: '1–64 chữ thường, chữ số và . _ @ -', en: '1–64 lowercase letters, digits and . _ @ -' },
  },
  'auth.bad-role': {
    status: 400,
    summary: 'The role is not one of admin, analyst, viewer.',
    hint: { vi: 'dùng admin, analyst hoặc viewer', en: 'use admin, analyst or viewer' },
  },
  'auth.weak-password': {
    status: 400,
    summary: 'The password is too short or too long.',
    hint: { vi: 'dùng một cụm từ gồm nhiều từ', en: 'use a passphrase of several words' },
  },
  'auth.bad-address': {
    status: 400,
    summary: 'The address given to unlock a login lockout is not an IP address.',
    hint: { vi: 'ghi địa chỉ như nhật ký kiểm toán hiển thị', en: 'give the address as the audit log shows it' },
  },
  'auth.bad-token-name': {
    status: 400,
    summary: 'An API token needs a name of 1–100 characters.',
    hint: { vi: 'đặt tên theo script dùng token', en: 'name it after the script that uses it' },
  },
  'auth.no-token': {
    status: NOT_FOUND,
    summary: 'No API token has this id.',
    hint: { vi: 'xem danh sách bằng `vigil token list`', en: 'list tokens with `vigil token list`' },
  },
  'user.cancelled': {
    status: 400,
    summary: 'The password prompt was cancelled (Ctrl-C or Ctrl-D).',
    hint: { vi: 'chạy lại lệnh', en: 'run the command again' },
  },
  'user.no-password': {
    status: 400,
    summary: 'No terminal to ask the password on.',
    hint: { vi: 'truyền mật khẩu qua --password-stdin', en: 'pipe it in with --password-stdin' },
  },
  'user.password-mismatch': {
    status: 400,
    summary: 'The two passwords typed differ.',
    hint: { vi: 'gõ lại cùng một mật khẩu hai lần', en: 'type the same password twice' },
  },
  'user.password-too-long': {
    status: 400,
    summary: 'The password read from stdin is longer than 4 KiB.',
    hint: { vi: 'chỉ gửi mật khẩu, một dòng', en: 'send only the password, on one line' },
  },

  // —— configuration, init, serve, demo ——
  'config.unreadable': {
    status: 400,
    summary: 'The configuration file cannot be read.',
    hint: {
      vi: 'tạo bằng `vigil init`, hoặc chỉ đúng đường dẫn bằng --config FILE',
      en: 'create one with `vigil init`, or pass the right path with --config FILE',
    },
  },
  'config.syntax': {
    status: 400,
    summary: 'vigil.yaml is not valid YAML.',
    hint: { vi: 'sửa cú pháp YAML tại vị trí được chỉ ra', en: 'fix the YAML syntax at the position given' },
  },
  'config.invalid': {
    status: 400,
    summary: 'vigil.yaml is valid YAML but breaks the schema (the message lists each problem).',
    hint: { vi: 'xem ví dụ có chú thích do `vigil init` tạo', en: 'see the commented example written by `vigil init`' },
  },
  'config.section-missing': {
    status: 400,
    summary: 'The command needs a section of vigil.yaml that is missing.',
    hint: { vi: 'thêm mục đó (ví dụ trong thông báo)', en: 'add the section (the message shows an example)' },
  },
  'config.ca-unreadable': {
    status: 400,
    summary: 'A CA file named in network.ca cannot be read.',
    hint: { vi: 'sửa đường dẫn (tương đối với vigil.yaml) hoặc bỏ mục đó', en: 'fix the path (relative to vigil.yaml) or remove the entry' },
  },
  'init.exists': {
    status: 400,
    summary: '`vigil init` would overwrite an existing file.',
    hint: { vi: 'thêm --force để ghi đè, hoặc --config TỆP-KHÁC.yaml', en: 'pass --force to overwrite it, or --config OTHER.yaml' },
  },
  'serve.bad-port': {
    status: 400,
    summary: '--port is not a number from 0 to 65535.',
    hint: { vi: 'ví dụ --port 8080', en: 'e.g. --port 8080' },
  },
  'serve.bad-trust-proxy': {
    status: 400,
    summary: '--trust-proxy is empty or not IP addresses / CIDR ranges.',
    hint: { vi: 'ghi địa chỉ reverse proxy, ví dụ --trust-proxy 127.0.0.1', en: 'give the reverse proxy’s addresses, e.g. --trust-proxy 127.0.0.1' },
  },
  'serve.port-in-use': {
    status: 400,
    summary: 'Another program listens on the port.',
    hint: { vi: 'dừng chương trình kia hoặc chọn cổng khác bằng --port', en: 'stop the other program or choose another port with --port' },
  },
  'demo.bad-port': {
    status: 400,
    summary: '--port of `vigil demo` is not 0–65535.',
    hint: { vi: 'ví dụ --port 8080, hoặc 0 cho cổng tự do', en: 'e.g. --port 8080, or 0 for a free port' },
  },
  'demo.bad-incident': {
    status: 400,
    summary: '--incident-after is not a number of seconds ≥ 0.',
    hint: { vi: 'ví dụ --incident-after 60', en: 'e.g. --incident-after 60' },
  },
  'demo.data-dir-in-use': {
    status: 400,
    summary: 'The demo’s data folder holds files the demo did not make.',
    hint: { vi: 'dùng --data với thư mục mới hoặc rỗng', en: 'pass --data with a new or empty folder' },
  },

  // —— store ——
  'store.bad-url': {
    status: 400,
    summary: 'VIGIL_DATABASE_URL is not a postgres:// URL.',
    hint: { vi: 'bỏ VIGIL_DATABASE_URL để dùng SQLite nhúng', en: 'unset VIGIL_DATABASE_URL to use the embedded SQLite store' },
  },
  'store.data-dir': {
    status: 400,
    summary: 'The data folder cannot be created.',
    hint: { vi: 'chọn thư mục ghi được bằng --data DIR hoặc VIGIL_DATA', en: 'choose a writable folder with --data DIR or VIGIL_DATA' },
  },
  'store.open': {
    status: 400,
    summary: 'The SQLite store cannot be opened.',
    hint: { vi: 'chạy vigil bằng người dùng sở hữu thư mục dữ liệu', en: 'run vigil as the user that owns the data folder' },
  },
  'store.busy': {
    status: 400,
    summary: 'Another process kept the SQLite store locked.',
    hint: { vi: 'chờ tiến trình vigil kia xong rồi thử lại', en: 'try again when the other vigil process is done' },
  },
  'store.migration-failed': {
    status: 400,
    summary: 'A database migration failed; the store was left as it was before it.',
    hint: { vi: 'khôi phục từ `vigil backup` nếu cơ sở dữ liệu bị sửa tay', en: 'restore from `vigil backup` if the database was modified by hand' },
  },
  'store.migration-busy': {
    status: 400,
    summary: 'Another process held the store (or the migration lock) while vigil waited to migrate it.',
    hint: { vi: 'chờ tiến trình vigil kia xong rồi khởi động lại', en: 'wait until the other vigil process is done, then start again' },
  },
  'store.backup-postgres': {
    status: 400,
    summary: '`vigil backup` copies the SQLite store; this installation uses PostgreSQL.',
    hint: { vi: 'sao lưu PostgreSQL bằng pg_dump', en: 'back up PostgreSQL with pg_dump' },
  },
  'store.secret-name': {
    status: 400,
    summary: 'An installation secret was asked for under an invalid name (a bug).',
    hint: { vi: 'dùng chữ thường, chữ số và "-"', en: 'use lower-case letters, digits and "-"' },
  },
  'store.secret-file-unreadable': {
    status: 400,
    summary: 'The installation secret file cannot be read.',
    hint: { vi: 'chạy vigil bằng người dùng sở hữu tệp, hoặc đặt VIGIL_SECRET_FILE', en: 'run vigil as the file’s owner, or set VIGIL_SECRET_FILE' },
  },
  'store.secret-file-invalid': {
    status: 400,
    summary: 'The installation secret file is not in vigil’s format.',
    hint: { vi: 'khôi phục tệp gốc; không sửa tay', en: 'restore the original file; do not edit it by hand' },
  },
  'store.secret-file-folder': {
    status: 400,
    summary: 'The folder of the installation secret file cannot be created.',
    hint: { vi: 'chọn thư mục dữ liệu ghi được, hoặc đặt VIGIL_SECRET_FILE', en: 'choose a writable data folder, or set VIGIL_SECRET_FILE' },
  },
  'store.secret-file-lock': {
    status: 400,
    summary: 'The lock next to the installation secret file cannot be made.',
    hint: { vi: 'thư mục của tệp bí mật phải ghi được', en: 'the secret file’s folder must be writable by vigil' },
  },
  'store.secret-file-locked': {
    status: 400,
    summary: 'Another process kept the installation secret file locked.',
    hint: { vi: 'nếu không còn tiến trình vigil nào, xoá tệp khoá', en: 'if no other vigil process runs, remove the lock file' },
  },
  'store.secret-missing': {
    status: 400,
    summary: 'The secret file lacks a secret this store was used with.',
    hint: { vi: 'đặt lại tệp bí mật đi cùng kho dữ liệu này', en: 'put back the secret file that belongs to this store' },
  },
  'store.secret-mismatch': {
    status: 400,
    summary: 'A secret in the secret file is not the one this store was used with.',
    hint: { vi: 'dùng tệp bí mật đi cùng kho dữ liệu này', en: 'use the secret file that belongs to this store' },
  },
  'store.secret-conflict': {
    status: 400,
    summary: 'The database holds installation secrets that differ from those in the secret file.',
    hint: { vi: 'chuyển tệp bí mật đi rồi khởi động lại', en: 'move the secret file away and start vigil again' },
  },

  // —— network scope and probes ——
  ...prefixed('network', probeFlags('vigil serve, the lab')),
  'network.bad-target': {
    status: 400,
    summary: 'A network.targets entry is not a domain, an IP address or a CIDR range.',
    hint: { vi: 'ví dụ example.gov.vn, 203.0.113.10 hoặc 10.20.0.0/16', en: 'e.g. example.gov.vn, 203.0.113.10 or 10.20.0.0/16' },
  },
  'network.out-of-scope': {
    status: 403,
    summary: 'A host or address is outside the network scope vigil may reach.',
    hint: { vi: 'thêm vào network.targets trong vigil.yaml', en: 'add it to network.targets in vigil.yaml' },
  },
  'probe.command-injection': {
    status: 400,
    summary: 'A value written into an SMTP/IMAP/POP3 command contains CR, LF or NUL; vigil refused to send it.',
    hint: { vi: 'giá trị phải là một dòng: sửa trong vigil.yaml hoặc API', en: 'the value must be a single line: fix it in vigil.yaml or the API' },
  },

  // —— assessment ——
  ...prefixed('assessment', probeFlags('vigil assess')),
  'assessment.bad-url': {
    status: 400,
    summary: 'The site given to `vigil assess web` is not a URL.',
    hint: { vi: 'ví dụ https://example.gov.vn/', en: 'e.g. https://example.gov.vn/' },
  },
  'assessment.run-not-found': {
    status: NOT_FOUND,
    summary: 'No assessment run has this id.',
    hint: { vi: 'xem các lần chạy: `vigil assess runs`', en: 'list runs with `vigil assess runs`' },
  },
  'assessment.target-not-found': {
    status: NOT_FOUND,
    summary: 'The assessment run has no such target.',
    hint: { vi: 'xem các lần chạy: `vigil assess runs`', en: 'list runs with `vigil assess runs`' },
  },
  'assessment.job-not-found': {
    status: NOT_FOUND,
    summary: 'No assessment job has this id.',
    hint: { vi: 'khởi chạy bằng POST /api/v1/assessment/runs', en: 'start one with POST /api/v1/assessment/runs' },
  },
  'assessment.nothing-to-assess': {
    status: CONFLICT,
    summary: 'vigil.yaml lists no mail domains and no websites.',
    hint: { vi: 'thêm mục mail hoặc websites vào vigil.yaml', en: 'add a mail or websites section to vigil.yaml' },
  },
  'spf.bad-ip': {
    status: 400,
    summary: '--ip of `vigil spf` is not an IPv4 or IPv6 address.',
    hint: { vi: 'ví dụ --ip 192.0.2.10', en: 'e.g. --ip 192.0.2.10' },
  },
  'spf.bad-option': {
    status: 400,
    summary: '--dns-timeout or --dns-retries of `vigil spf` is out of range.',
    hint: { vi: 'xem giới hạn trong thông báo', en: 'see the range in the message' },
  },
  'spf.bad-resolver': {
    status: 400,
    summary: '--resolver of `vigil spf` is not HOST:PORT.',
    hint: { vi: 'ví dụ --resolver 127.0.0.1:5353', en: 'e.g. --resolver 127.0.0.1:5353' },
  },

  // —— leaks and passwords ——
  'leaks.input-missing': {
    status: 400,
    summary: 'A file or folder to scan cannot be read.',
    hint: { vi: 'kiểm tra đường dẫn', en: 'check the path' },
  },
  'leaks.unsupported-format': {
    status: 400,
    summary: 'The dump is in a container format vigil cannot unpack.',
    hint: { vi: 'giải nén bằng công cụ khác trước rồi quét', en: 'unpack it with another tool first, then scan' },
  },
  'leaks.worker-failed': {
    status: 400,
    summary: 'A scan worker thread stopped unexpectedly.',
    hint: { vi: 'chạy lại; nếu lặp lại, báo lỗi kèm tệp gây lỗi', en: 'run again; if it repeats, report it with the file' },
  },
  'leaks.no-domains': {
    status: 400,
    summary: 'A scan has nothing to look for: no --domain and no mail.domains.',
    hint: { vi: 'thêm --domain example.gov.vn, hoặc dùng --census', en: 'add --domain example.gov.vn, or use --census' },
  },
  'leaks.bad-size': {
    status: 400,
    summary: 'A size option is not a size.',
    hint: { vi: 'ví dụ 100MiB hoặc 1GiB', en: 'e.g. 100MiB or 1GiB' },
  },
  'leaks.bad-date': {
    status: 400,
    summary: '--breach-date is not YYYY-MM-DD.',
    hint: { vi: 'ví dụ --breach-date 2026-01-31', en: 'e.g. --breach-date 2026-01-31' },
  },
  'leaks.bad-batch-size': {
    status: 400,
    summary: 'The import batch size is not a positive integer.',
    hint: { vi: 'bỏ tuỳ chọn để dùng mặc định', en: 'omit it for the default' },
  },
  'leaks.import-source-gone': {
    status: 400,
    summary: 'The leak source (or its file) was deleted while it was being imported.',
    hint: { vi: 'nhập lại tệp', en: 'import the file again' },
  },
  'leaks.staff-directory': {
    status: 400,
    summary: 'The staff directory CSV cannot be read.',
    hint: { vi: 'đặt staff.directory trong vigil.yaml là một tệp CSV đọc được', en: 'set staff.directory in vigil.yaml to a readable CSV' },
  },
  'leaks.sketch-endianness': {
    status: 400,
    summary: 'Census sketches are stored little-endian; this machine is big-endian.',
    hint: { vi: 'chạy vigil trên máy little-endian (x86-64, arm64)', en: 'run vigil on a little-endian machine (x86-64, arm64)' },
  },
  'leaks.source-not-found': {
    status: NOT_FOUND,
    summary: 'No leak source has this id.',
    hint: { vi: 'xem danh sách: GET /leaks/sources', en: 'list the sources: GET /leaks/sources' },
  },
  'leaks.bad-state': {
    status: 400,
    summary: 'The triage state is not one vigil knows.',
    hint: { vi: 'dùng một trạng thái trong danh sách của thông báo', en: 'use one of the states the message lists' },
  },
  'leaks.bad-cursor': {
    status: 400,
    summary: 'The paging cursor was not given out by this listing (or by another sort).',
    hint: { vi: 'bắt đầu lại không có cursor', en: 'start again without a cursor' },
  },
  'leaks.bulk-target': {
    status: 400,
    summary: 'A bulk action needs either emails or filter, not both nor neither.',
    hint: { vi: 'gửi emails hoặc filter', en: 'send emails or filter' },
  },
  'leaks.bulk-too-many': {
    status: 400,
    summary: 'More accounts are under the filters than one bulk action may change.',
    hint: { vi: 'thu hẹp bộ lọc và làm từng phần', en: 'narrow the filters and act in parts' },
  },
  'leaks.bulk-changed': {
    status: CONFLICT,
    summary: 'The accounts under the filters changed since the list was shown.',
    hint: { vi: 'tải lại danh sách rồi làm lại', en: 'reload the list and act again' },
  },
  'leaks.export-format': {
    status: 400,
    summary: 'The export file name does not end in .csv or .xlsx.',
    hint: { vi: 'ví dụ --out accounts.xlsx', en: 'e.g. --out accounts.xlsx' },
  },
  'leaks.smtp-missing': {
    status: 400,
    summary: 'Sending notices needs notifications.smtp in vigil.yaml.',
    hint: { vi: 'thêm notifications.smtp, hoặc dùng --dry-run', en: 'add notifications.smtp, or use --dry-run' },
  },
  'passwords.bad-prefix': {
    status: 400,
    summary: 'A Pwned Passwords range prefix is not 5 hexadecimal digits.',
    hint: { vi: 'gửi 5 ký tự đầu của SHA-1 (hex)', en: 'send the first 5 hex digits of the SHA-1' },
  },
  'passwords.not-loaded': {
    status: 400,
    summary: 'No Pwned Passwords ranges are loaded.',
    hint: { vi: 'nạp bằng `vigil passwords load DIR`', en: 'load them with `vigil passwords load DIR`' },
  },

  // —— watch ——
  ...prefixed('watch', probeFlags('vigil watch')),
  'watch.no-monitors': {
    status: 400,
    summary: 'There are no monitors to run.',
    hint: { vi: 'thêm mục monitors vào vigil.yaml', en: 'add a monitors section to vigil.yaml' },
  },
  'watch.no-monitor': {
    status: NOT_FOUND,
    summary: 'No monitor has this id.',
    hint: { vi: 'xem danh sách: GET /api/v1/watch/monitors', en: 'list them: GET /api/v1/watch/monitors' },
  },
  'watch.monitor-invalid': {
    status: 400,
    summary: 'The monitor’s fields do not match its type (the message lists them).',
    hint: { vi: 'xem docs/watch.md', en: 'see docs/watch.md' },
  },
  'watch.monitor-exists': {
    status: CONFLICT,
    summary: 'A monitor with this id exists.',
    hint: { vi: 'đặt tên khác hoặc id khác', en: 'give it another name or an explicit id' },
  },
  'watch.monitor-type-change': {
    status: 400,
    summary: 'A monitor’s type cannot change.',
    hint: { vi: 'xoá monitor này và thêm monitor mới', en: 'delete this monitor and add a new one' },
  },
  'watch.monitor-id-change': {
    status: 400,
    summary: 'A monitor’s id cannot change (history, alerts and heartbeat tokens hang on it).',
    hint: { vi: 'đổi tên thay vì id', en: 'change the name instead' },
  },
  'watch.monitor-from-config': {
    status: CONFLICT,
    summary: 'The monitor is defined in vigil.yaml and is read-only through the API.',
    hint: { vi: 'sửa trong vigil.yaml rồi khởi động lại', en: 'edit it in vigil.yaml, then restart' },
  },
  'watch.pattern-invalid': {
    status: 400,
    summary: 'A user pattern is not a valid RE2 regular expression.',
    hint: { vi: 'bỏ tham chiếu ngược và lookaround', en: 'drop backreferences and lookaround' },
  },
  'watch.pattern-failed': {
    status: 400,
    summary: 'A user pattern could not be run on the text.',
    hint: { vi: 'dùng biểu thức đơn giản hơn', en: 'use a simpler pattern' },
  },
  'watch.roster-no-period': {
    status: 400,
    summary: 'The on-call rotation covers no period (no start/end and no holidays).',
    hint: { vi: 'thêm onCall.holidays hoặc start/end của rotation', en: 'add onCall.holidays or the rotation’s start and end' },
  },
  'watch.no-heartbeat': {
    status: NOT_FOUND,
    summary: 'No heartbeat monitor has this token.',
    hint: { vi: 'kiểm tra URL heartbeat của monitor', en: 'check the monitor’s heartbeat URL' },
  },
  'watch.heartbeat-rate-limited': {
    status: 429,
    summary: 'Too many heartbeat calls in a short time.',
    hint: { vi: 'gọi URL heartbeat một lần mỗi lần chạy', en: 'call the heartbeat URL once per run' },
  },
  'watch.bad-evidence-path': {
    status: NOT_FOUND,
    summary: 'The path asked for is not an evidence file name.',
    hint: { vi: 'dùng liên kết bằng chứng trong cảnh báo', en: 'use the evidence link of the alert' },
  },
  'watch.no-evidence': {
    status: NOT_FOUND,
    summary: 'No such evidence file.',
    hint: { vi: 'dùng liên kết bằng chứng trong cảnh báo', en: 'use the evidence link of the alert' },
  },
  'watch.ack-expired': {
    status: 403,
    summary: 'The signed acknowledge link has expired.',
    hint: { vi: 'xác nhận cảnh báo trong bảng điều khiển', en: 'acknowledge the alert in the dashboard' },
  },
  'watch.ack-bad-signature': {
    status: 403,
    summary: 'The signed acknowledge link is not valid.',
    hint: { vi: 'xác nhận cảnh báo trong bảng điều khiển', en: 'acknowledge the alert in the dashboard' },
  },

  // —— lab ——
  'lab.listen': {
    status: 400,
    summary: 'A lab service could not listen on its address.',
    hint: { vi: 'bỏ --port-base để dùng cổng tự do', en: 'omit --port-base for free ports' },
  },
  'lab.port-base': {
    status: 400,
    summary: '--port-base is not a whole number from 1024 to 65000.',
    hint: { vi: 'bỏ tuỳ chọn để dùng cổng tự do', en: 'omit it for free ports' },
  },
  'lab.no-such-site': {
    status: 400,
    summary: 'The lab serves no site with this name.',
    hint: { vi: 'chọn một site trong danh sách', en: 'pick one of the listed sites' },
  },
  'lab.no-such-service': {
    status: 400,
    summary: 'The lab runs no service at this address and port.',
    hint: { vi: 'xem port map', en: 'see the port map' },
  },
  'lab.world-unreadable': {
    status: 400,
    summary: 'The lab world file cannot be read.',
    hint: { vi: 'đưa tệp YAML có thật bằng --world, hoặc bỏ đi', en: 'pass an existing YAML file with --world, or omit it' },
  },
  'lab.world-syntax': {
    status: 400,
    summary: 'The lab world file is not valid YAML.',
    hint: { vi: 'sửa cú pháp YAML tại vị trí được chỉ ra', en: 'fix the YAML syntax at the position given' },
  },
  'lab.world-invalid': {
    status: 400,
    summary: 'The lab world breaks its schema.',
    hint: { vi: 'xem docs/lab.md', en: 'see docs/lab.md' },
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorId = keyof typeof ERROR_CATALOGUE;

/** The catalogue entry of an id. */
export function errorEntry(id: ErrorId): ErrorEntry {
  return ERROR_CATALOGUE[id];
}

/** The default hint as one line, Vietnamese first. */
export function defaultHint(id: ErrorId): string {
  const { vi, en } = ERROR_CATALOGUE[id].hint;
  return `${vi} / ${en}`;
}
