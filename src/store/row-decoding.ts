/**
 * Rows come out of SQLite as `unknown`: each repository decodes its table's rows here, column by column, so a
 * value of the wrong type (a schema drifted from the code, a hand-edited database) stops at the store with the
 * table and column named, instead of travelling on under a type it does not have. No `as` on a row.
 */

/** A row as better-sqlite3 returns it: column name (or alias) → value. */
export type Row = { readonly [column: string]: unknown };

export class RowDecodeError extends Error {
  constructor(table: string, column: string, expected: string, value: unknown) {
    super(`${table}.${column}: expected ${expected}, found ${value === null ? 'null' : typeof value}`);
    this.name = 'RowDecodeError';
  }
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null;
}

/**
 * The columns of one row of `table`, each read with the type it must have. (A class: one small object per row,
 * the methods shared, since exports read tens of thousands of rows.)
 */
export class Columns {
  private readonly row: Row;

  constructor(private readonly table: string, value: unknown) {
    if (!isRow(value)) throw new RowDecodeError(table, '*', 'a row', value);
    this.row = value;
  }

  private fail(column: string, expected: string): never {
    throw new RowDecodeError(this.table, column, expected, this.row[column]);
  }

  int(column: string): number {
    const v = this.row[column];
    return typeof v === 'number' && Number.isInteger(v) ? v : this.fail(column, 'an integer');
  }

  intOrNull(column: string): number | null {
    return this.row[column] === null ? null : this.int(column);
  }

  text(column: string): string {
    const v = this.row[column];
    return typeof v === 'string' ? v : this.fail(column, 'text');
  }

  textOrNull(column: string): string | null {
    return this.row[column] === null ? null : this.text(column);
  }

  /** SQLite has no boolean: 0 or 1. */
  flag(column: string): boolean {
    const v = this.row[column];
    return v === 1 ? true : v === 0 ? false : this.fail(column, '0 or 1');
  }

  blobOrNull(column: string): Buffer | null {
    const v = this.row[column];
    return v === null ? null : Buffer.isBuffer(v) ? v : this.fail(column, 'a blob');
  }

  oneOf<T extends string>(column: string, values: readonly T[]): T {
    const v = this.row[column];
    return values.find((x) => x === v) ?? this.fail(column, `one of ${values.join(', ')}`);
  }

  oneOfOrNull<T extends string>(column: string, values: readonly T[]): T | null {
    return this.row[column] === null ? null : this.oneOf(column, values);
  }
}

export function columnsOf(table: string, value: unknown): Columns {
  return new Columns(table, value);
}

/** `SELECT count(*) AS n …` */
export function countOf(value: unknown): number {
  return columnsOf('count', value).int('n');
}
