import { readFileSync } from 'node:fs';
import { VigilError } from '../../errors.js';
import { splitDelimited } from '../formats/parse-line.js';
import { normaliseAddress } from '../scan/bytes.js';

export interface StaffMember {
  fullName: string;
  email: string;
  unit: string | null;
  phone: string | null;
  aliases: string[];
}

/** The staff directory (config `staff.directory`): each address and alias → the person. */
export class StaffDirectory {
  private readonly byAddress = new Map<string, StaffMember>();
  constructor(readonly members: StaffMember[]) {
    for (const m of members) {
      this.byAddress.set(m.email, m);
      for (const a of m.aliases) this.byAddress.set(a, m);
    }
  }
  lookup(address: string): StaffMember | undefined {
    return this.byAddress.get(address);
  }
  static empty(): StaffDirectory {
    return new StaffDirectory([]);
  }
}

const HEADERS: Record<keyof StaffMember, RegExp> = {
  fullName: /^(full[ _]?name|name|họ (và )?tên|ho[ _]ten)$/i,
  email: /^(e-?mail|thư điện tử|địa chỉ thư)$/i,
  unit: /^(unit|department|đơn vị|phòng|phòng ban)$/i,
  phone: /^(phone|telephone|điện thoại|sđt|số điện thoại)$/i,
  aliases: /^(aliases|alias|bí danh|địa chỉ khác)$/i,
};

/**
 * Parse the directory CSV: full name, email, unit, phone, aliases (aliases separated by `;` or
 * spaces; a bare local part is an alias on the person's own domain). A header row is optional.
 */
export function parseStaffCsv(text: string, orgDomains: string[] = []): StaffDirectory {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return StaffDirectory.empty();
  const delimiter = lines[0]!.includes('\t') ? '\t' : lines[0]!.includes(';') && !lines[0]!.includes(',') ? ';' : ',';
  let order: (keyof StaffMember)[] = ['fullName', 'email', 'unit', 'phone', 'aliases'];
  const first = splitDelimited(lines[0]!, delimiter).map((c) => c.trim());
  const isHeader = !first.some((c) => c.includes('@'));
  if (isHeader) {
    order = first.map((c) => (Object.keys(HEADERS) as (keyof StaffMember)[]).find((k) => HEADERS[k].test(c)) ?? ('ignore' as keyof StaffMember));
  }
  const members: StaffMember[] = [];
  for (const line of isHeader ? lines.slice(1) : lines) {
    const cols = splitDelimited(line, delimiter).map((c) => c.trim());
    const get = (k: keyof StaffMember) => {
      const i = order.indexOf(k);
      return i >= 0 ? (cols[i] ?? '') : '';
    };
    const email = normaliseAddress(get('email'));
    if (!email) continue;
    const domain = email.slice(email.indexOf('@') + 1);
    const aliases = get('aliases')
      .split(/[;\s|]+/)
      .filter(Boolean)
      .flatMap((a) => (a.includes('@') ? [a] : [domain, ...orgDomains].map((d) => `${a}@${d}`)))
      .map((a) => normaliseAddress(a))
      .filter((a): a is string => a !== null && a !== email);
    members.push({ fullName: get('fullName') || email, email, unit: get('unit') || null, phone: get('phone') || null, aliases: [...new Set(aliases)] });
  }
  return new StaffDirectory(members);
}

export function loadStaffDirectory(path: string, orgDomains: string[] = []): StaffDirectory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new VigilError(
      'leaks.staff-directory',
      `cannot read the staff directory ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'set staff.directory in vigil.yaml to a CSV with columns: full name, email, unit, phone, aliases',
      },
    );
  }
  return parseStaffCsv(text, orgDomains);
}
