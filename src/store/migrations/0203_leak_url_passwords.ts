import type { Kysely } from 'kysely';
import type { LeaksTables } from '../schema.js';

/**
 * Before src/leaks/formats/site.ts a password written before the address (`12/05/1990:login`,
 * `ngoc.anh:login`, `matkhau.vn:login`) was taken for the site and kept verbatim in
 * leak_account_sources.url, the pair rated `address`. Each stored value gets what the parser makes
 * of such a line today:
 *   - a site (a scheme URL; a host on a pair that has a password kind) stays;
 *   - on a pair with no password kind, the value was the password: it becomes its mask, the pair
 *     `plaintext` (no fingerprint: a migration has no installation secret, and the password must
 *     not wait for one), the url empty;
 *   - on a pair with a password, the value was some other field before `:login:pass`: dropped.
 * Stealer-log pairs keep theirs (their URL line is labelled). The accounts follow their strongest
 * pair again. The old bytes may stay in SQLite's free pages until the next `VACUUM`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Loaded here, not at the top: every start imports the migration list, few run this one.
  const { siteShape } = await import('../../leaks/formats/site.js');
  const { maskPassword, SEVERITY_RANK } = await import('../../leaks/formats/password.js');
  const leaks = db as unknown as Kysely<LeaksTables>;
  const rows = await leaks
    .selectFrom('leak_account_sources')
    .select(['email', 'source_id', 'password_kind', 'url'])
    .where('url', 'is not', null)
    .where('severity', '!=', 'stealer')
    .execute();
  const rerated = new Set<string>();
  for (const row of rows) {
    const shape = siteShape(row.url!);
    if (shape === 'scheme' || (shape === 'host' && row.password_kind !== 'none')) continue;
    const pair = leaks.updateTable('leak_account_sources').where('email', '=', row.email).where('source_id', '=', row.source_id);
    if (row.password_kind === 'none') {
      await pair
        .set({
          url: null,
          severity: 'plaintext',
          severity_rank: SEVERITY_RANK.plaintext,
          password_kind: 'plaintext',
          password_mask: maskPassword(row.url),
          password_fingerprint: null,
        })
        .execute();
      rerated.add(row.email);
    } else await pair.set({ url: null }).execute();
  }
  for (const email of rerated) {
    const best = await leaks
      .selectFrom('leak_account_sources')
      .select(['severity', 'severity_rank', 'password_kind', 'password_mask', 'password_fingerprint'])
      .where('email', '=', email)
      .orderBy('severity_rank', 'desc')
      .executeTakeFirstOrThrow();
    await leaks
      .updateTable('leak_accounts')
      .set({
        severity: best.severity,
        severity_rank: best.severity_rank,
        password_kind: best.password_kind,
        password_mask: best.password_mask,
        password_fingerprint: best.password_fingerprint,
      })
      .where('email', '=', email)
      .where('severity_rank', '<', best.severity_rank)
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('the leak url repair cannot be reverted: the passwords it masked are gone');
}
