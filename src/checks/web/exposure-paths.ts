/**
 * The documented list of sensitive paths vigil requests on every site, each with the content
 * signature that proves a hit. A 200 alone proves nothing (soft-404 sites answer 200 to
 * everything): a path counts as found only when its signature matches AND the answer does not
 * look like the site's "not found" page (src/probes/http/exposure.ts compares with random paths).
 *
 * Signatures are tested against the body read as latin1 (byte-preserving, so binary magic numbers
 * such as `PK\x03\x04` work) — at most the first 64 KiB.
 *
 * Extending: add an entry; keep `id` stable (it appears in stored evidence).
 */
import type { ExposureCategory } from '../../probes/http/types.js';

export interface ExposurePathEntry {
  id: string;
  category: ExposureCategory;
  /** Fixed paths, or paths built from the site's names (backups named after the site). */
  paths: string[] | ((names: SiteNames) => string[]);
  /** What the signature proves, shown in evidence. */
  signature: string;
  /** Body must match (all of) these. */
  match: RegExp[];
  /** The answer must not be HTML (files served as text/binary); defeats HTML soft-404 pages that quote the path. */
  notHtml?: boolean;
  /** Statuses that can be a hit (default 200). */
  statuses?: number[];
  /** Follow up to this many same-origin redirects (admin panels redirect to their login page). */
  followRedirects?: number;
  /**
   * How much of the body may be quoted as proof: `quote` (harmless, e.g. `ref: refs/heads/main`),
   * `masked` (values after `=`/`:` masked — configs and .env hold secrets), `none`.
   */
  excerpt: 'quote' | 'masked' | 'none';
}

export interface SiteNames {
  /** e.g. `portal.agency.gov.vn` */
  host: string;
  /** First label of the host without www, e.g. `portal`. */
  first: string;
  /** The registrable domain's own label, e.g. `agency` for `portal.agency.gov.vn`. */
  org?: string;
}

const HTML = /<html|<!doctype html|<body/i;

export const EXPOSURE_PATHS: ExposurePathEntry[] = [
  {
    id: 'git-head',
    category: 'git',
    paths: ['/.git/HEAD'],
    signature: 'ref: refs/… or a commit hash',
    match: [/^\s*(ref:\s*refs\/\S+|[0-9a-f]{40})\s*$/],
    excerpt: 'quote',
  },
  {
    id: 'git-config',
    category: 'git',
    paths: ['/.git/config'],
    signature: '[core] section of a git config',
    match: [/^\s*\[core\]/m, /repositoryformatversion|bare\s*=/],
    notHtml: true,
    excerpt: 'masked',
  },
  {
    id: 'svn-entries',
    category: 'svn',
    paths: ['/.svn/entries'],
    signature: 'Subversion entries format number',
    match: [/^\s*(\d{1,2})\s*(\n|$)/],
    notHtml: true,
    excerpt: 'quote',
  },
  {
    id: 'svn-wcdb',
    category: 'svn',
    paths: ['/.svn/wc.db'],
    signature: 'SQLite database header (Subversion working copy)',
    match: [/^SQLite format 3\x00/],
    excerpt: 'none',
  },
  {
    id: 'dotenv',
    category: 'env',
    paths: ['/.env', '/.env.local', '/.env.production', '/.env.bak'],
    signature: 'KEY=value lines of an environment file',
    match: [
      /^\s*(export\s+)?[A-Z][A-Z0-9_]{1,60}\s*=.*$/m,
      /^\s*(export\s+)?[A-Z][A-Z0-9_]*(DB|KEY|SECRET|PASS|PASSWORD|TOKEN|HOST|URL|USER|NAME|ENV|DEBUG)[A-Z0-9_]*\s*=/m,
    ],
    notHtml: true,
    excerpt: 'masked',
  },
  {
    id: 'archive',
    category: 'backup',
    paths: (names) => {
      const stems = [...new Set([names.host, names.first, ...(names.org ? [names.org] : []), 'backup', 'site', 'www', 'web'])];
      return stems.flatMap((stem) => [`/${stem}.zip`, `/${stem}.tar.gz`]);
    },
    signature: 'ZIP or gzip archive magic bytes',
    match: [/^(PK\x03\x04|\x1f\x8b)/],
    excerpt: 'none',
  },
  {
    id: 'sql-dump',
    category: 'backup',
    paths: (names) => [
      ...new Set([`/${names.first}.sql`, ...(names.org ? [`/${names.org}.sql`] : []), '/backup.sql', '/db.sql', '/database.sql', '/dump.sql', '/data.sql']),
    ],
    signature: 'SQL dump statements',
    match: [/(CREATE TABLE|INSERT INTO|-- MySQL dump|PostgreSQL database dump|-- MariaDB dump|DROP TABLE IF EXISTS)/i],
    notHtml: true,
    excerpt: 'none',
  },
  {
    id: 'source-backup',
    category: 'backup',
    paths: ['/wp-config.php.bak', '/wp-config.php~', '/wp-config.php.save', '/config.php.bak', '/index.php.bak', '/configuration.php.bak', '/web.config.bak'],
    signature: 'server-side source code (PHP opening tag or configuration XML)',
    match: [/<\?php|<configuration[\s>]/i],
    excerpt: 'masked',
  },
  {
    id: 'phpinfo',
    category: 'phpinfo',
    paths: ['/phpinfo.php', '/info.php', '/php_info.php', '/test.php', '/i.php'],
    signature: 'phpinfo() output',
    match: [/<title>phpinfo\(\)<\/title>|<h1 class="p">PHP Version|PHP Version\s*<\/td>|>PHP Credits</i],
    excerpt: 'none',
  },
  {
    id: 'listing-dirs',
    category: 'directory-listing',
    paths: ['/uploads/', '/files/', '/images/', '/backup/', '/wp-content/uploads/', '/assets/', '/tmp/'],
    signature: 'an auto-generated directory index (Apache/nginx "Index of /", IIS "[To Parent Directory]", "Directory listing for")',
    match: [/<title>\s*Index of \/|<h1>\s*Index of \/|\[To Parent Directory\]|<title>Directory listing for \//i],
    followRedirects: 1,
    excerpt: 'quote',
  },
  {
    id: 'ds-store',
    category: 'directory-listing',
    paths: ['/.DS_Store'],
    signature: 'macOS .DS_Store (Bud1) listing file names',
    match: [/^\x00\x00\x00\x01Bud1/],
    excerpt: 'none',
  },
  {
    id: 'server-status',
    category: 'server-status',
    paths: ['/server-status'],
    signature: 'Apache mod_status page',
    match: [/Apache Server Status for|Server Version:.*Server MPM:/is],
    excerpt: 'quote',
  },
  {
    id: 'server-info',
    category: 'server-status',
    paths: ['/server-info'],
    signature: 'Apache mod_info page',
    match: [/Apache Server Information/i],
    excerpt: 'quote',
  },
  {
    id: 'nginx-status',
    category: 'server-status',
    paths: ['/nginx_status', '/status'],
    signature: 'nginx stub_status or php-fpm status',
    match: [/^Active connections:\s*\d+|^pool:\s+\S+\s*\nprocess manager:/m],
    notHtml: true,
    excerpt: 'quote',
  },
  {
    id: 'log-files',
    category: 'logs',
    paths: ['/debug.log', '/error.log', '/error_log', '/wp-content/debug.log', '/logs/error.log', '/storage/logs/laravel.log', '/log.txt'],
    signature: 'server or application log lines',
    match: [
      /(PHP (Warning|Fatal error|Notice|Parse error|Deprecated)|\[(error|warn|notice|crit)\]|\.(ERROR|WARNING|INFO|DEBUG):|^\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}.*\b(ERROR|WARN|INFO|DEBUG|Exception)\b)/im,
    ],
    notHtml: true,
    excerpt: 'masked',
  },
  {
    id: 'elmah',
    category: 'logs',
    paths: ['/elmah.axd'],
    signature: 'ELMAH error log of an ASP.NET application',
    match: [/Error Log for|ELMAH/],
    excerpt: 'none',
  },
  {
    id: 'trace-axd',
    category: 'logs',
    paths: ['/trace.axd'],
    signature: 'ASP.NET application trace',
    match: [/Application Trace|Requests to this Application/i],
    excerpt: 'none',
  },
  {
    id: 'web-config',
    category: 'config',
    paths: ['/web.config'],
    signature: 'IIS web.config XML',
    match: [/<configuration[\s>]/i, /<system\.web(Server)?[\s>]|<appSettings|<connectionStrings/i],
    notHtml: true,
    excerpt: 'masked',
  },
  {
    id: 'docker-compose',
    category: 'config',
    paths: ['/docker-compose.yml', '/docker-compose.yaml'],
    signature: 'Docker Compose services',
    match: [/^services:\s*$|^version:\s*['"]?\d/m, /^\s+image:|^\s+build:/m],
    notHtml: true,
    excerpt: 'masked',
  },
  {
    id: 'htaccess',
    category: 'config',
    paths: ['/.htaccess'],
    signature: 'Apache .htaccess directives',
    match: [/^\s*(RewriteEngine|RewriteRule|Deny from|Allow from|Require (all|ip)|<IfModule|AuthType|AuthUserFile|Options [+-]|Order (allow|deny))/im],
    notHtml: true,
    excerpt: 'masked',
  },
  {
    id: 'spring-actuator',
    category: 'config',
    paths: ['/actuator/env', '/env'],
    signature: 'Spring Boot actuator environment',
    match: [/"(propertySources|activeProfiles)"\s*:/],
    excerpt: 'none',
  },
  {
    id: 'phpmyadmin',
    category: 'admin-panel',
    paths: ['/phpmyadmin/', '/phpMyAdmin/', '/pma/'],
    signature: 'phpMyAdmin login',
    match: [/phpMyAdmin/, /pma_username|name="pma_|<title>[^<]*phpMyAdmin/i],
    followRedirects: 2,
    excerpt: 'none',
  },
  {
    id: 'adminer',
    category: 'admin-panel',
    paths: ['/adminer.php', '/adminer/'],
    signature: 'Adminer database login',
    match: [/Adminer/, /auth\[(username|password)\]|name="auth/i],
    followRedirects: 1,
    excerpt: 'none',
  },
  {
    id: 'wp-admin',
    category: 'admin-panel',
    paths: ['/wp-admin/', '/wp-login.php'],
    signature: 'WordPress login form',
    match: [/id="loginform"|name="log"|wp-login\.php/i, /type=["']?password/i],
    followRedirects: 3,
    excerpt: 'none',
  },
  {
    id: 'joomla-admin',
    category: 'admin-panel',
    paths: ['/administrator/'],
    signature: 'Joomla administrator login',
    match: [/com_login|mod-login|Joomla/i, /type=["']?password/i],
    followRedirects: 2,
    excerpt: 'none',
  },
  {
    id: 'drupal-login',
    category: 'admin-panel',
    paths: ['/user/login'],
    signature: 'Drupal login form',
    match: [/user-login-form|user-login|Drupal/i, /type=["']?password/i],
    followRedirects: 1,
    excerpt: 'none',
  },
  {
    id: 'generic-admin',
    category: 'admin-panel',
    paths: ['/admin/', '/admin/login', '/quantri/', '/quan-tri/'],
    signature: 'a login form with a password field',
    match: [/type=["']?password/i],
    followRedirects: 2,
    excerpt: 'none',
  },
];

/** The database administration tools among admin panels (worse than a CMS login when public). */
export const DATABASE_ADMIN_ENTRIES = new Set(['phpmyadmin', 'adminer']);

export function isHtml(body: string, contentType: string | undefined): boolean {
  return /html/i.test(contentType ?? '') || HTML.test(body.slice(0, 2048));
}

/** Mask values in `key=value` / `key: value` lines so a proof never carries a secret. */
export function maskSecrets(excerpt: string): string {
  return excerpt
    .split('\n')
    .map((line) => line.replace(/^(\s*[^=:\s][^=:]{0,80}?\s*[=:]\s*)(.+)$/, (_all, key: string, value: string) => `${key}${value.trim() ? '***' : ''}`))
    .join('\n');
}
