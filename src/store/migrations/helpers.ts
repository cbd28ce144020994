import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<unknown>): SqlDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * An integer primary key that the database fills in: `integer primary key autoincrement` on
 * SQLite, an identity column on PostgreSQL (kysely's autoIncrement() is SQLite/MySQL only).
 */
export function serialPrimaryKey<T extends string, C extends string>(
  db: Kysely<unknown>,
  table: CreateTableBuilder<T, C>,
  column: string,
): CreateTableBuilder<T, C> {
  if (dialectOf(db) === 'postgres') {
    return table.addColumn(column, 'bigint', (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity()) as CreateTableBuilder<T, C>;
  }
  return table.addColumn(column, 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()) as CreateTableBuilder<T, C>;
}

/** A binary column: bytea on PostgreSQL, blob on SQLite. */
export function binaryType(db: Kysely<unknown>) {
  return dialectOf(db) === 'postgres' ? sql`bytea` : sql`blob`;
}
