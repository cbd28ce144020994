import ExcelJS from 'exceljs';
import { VigilError } from '../errors.js';
import { writePrivateFile } from '../private-files.js';
import type { LeakMatch } from './scan/accumulator.js';

const COLUMNS: { key: keyof LeakMatch; header: string; width: number }[] = [
  { key: 'email', header: 'Địa chỉ / address', width: 34 },
  { key: 'orgDomain', header: 'Tên miền / domain', width: 20 },
  { key: 'severity', header: 'Mức độ / severity', width: 12 },
  { key: 'passwordKind', header: 'Loại mật khẩu / password kind', width: 14 },
  { key: 'passwordMask', header: 'Mật khẩu (che) / password (masked)', width: 20 },
  { key: 'form', header: 'Dạng / form', width: 10 },
  { key: 'url', header: 'URL', width: 40 },
  { key: 'file', header: 'Tệp / file', width: 40 },
  { key: 'offset', header: 'Vị trí / offset', width: 12 },
];

/** Neutralise a spreadsheet formula: an address, a mask or a URL from a leak may start with "=", "+", "-" or "@" ("=HYPERLINK(…)"). */
export function neutraliseFormula(value: string | null | undefined): string {
  const s = value ?? '';
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function csvCell(value: unknown): string {
  // Quote always.
  return `"${neutraliseFormula(value === null || value === undefined ? '' : String(value)).replace(/"/g, '""')}"`;
}

/** Export matched accounts (masked passwords only) to CSV or XLSX, by the file's extension; 0600 whatever the umask. */
export async function exportMatches(file: string, matches: LeakMatch[]): Promise<void> {
  if (/\.csv$/i.test(file)) {
    const lines = [COLUMNS.map((c) => csvCell(c.header)).join(',')];
    for (const m of matches) lines.push(COLUMNS.map((c) => csvCell(m[c.key])).join(','));
    await writePrivateFile(file, `\uFEFF${lines.join('\r\n')}\r\n`);
    return;
  }
  if (/\.xlsx$/i.test(file)) {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Tài khoản lộ lọt');
    sheet.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    for (const m of matches) sheet.addRow(m);
    await writePrivateFile(file, new Uint8Array(await book.xlsx.writeBuffer()));
    return;
  }
  throw new VigilError('leaks.export-format', `cannot export to ${file}: the name must end in .csv or .xlsx`, {
    hint: 'use --out accounts.csv or --out accounts.xlsx',
  });
}
