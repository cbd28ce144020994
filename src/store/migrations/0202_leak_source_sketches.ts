import type { Kysely } from 'kysely';
import { binaryType } from './helpers.js';

/**
 * Mergeable census sketches, one per file of a leak source (src/leaks/import/source-census.ts):
 * the HyperLogLog registers, the exact address-hash set while the file stayed under the bound,
 * and the special addresses (.vn, banks, the organisation's) with their domain and category bits.
 * A source's totals are their union, so an address in two files (or two import runs) counts once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leak_source_sketches')
    .addColumn('source_id', 'text', (c) => c.notNull().references('leak_sources.id').onDelete('cascade'))
    .addColumn('file_key', 'text', (c) => c.notNull())
    .addColumn('hll', binaryType(db), (c) => c.notNull())
    .addColumn('exact', binaryType(db))
    .addColumn('exact_count', 'bigint')
    .addColumn('special', binaryType(db), (c) => c.notNull())
    .addColumn('domains', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('leak_source_sketches_pk', ['source_id', 'file_key'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('leak source sketches migration cannot be reverted');
}
