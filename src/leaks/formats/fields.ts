/** Names of the fields that hold an address, a password or a URL in structured rows (JSON, SQL, PHP). */
export const EMAIL_KEY = /^(e-?mail|mail|email_address|user_email|login|user(_?name)?|account)$/i;
export const PASSWORD_KEY = /^(pass(word)?|pwd|passwd|pw|hash|password_hash|pass_hash|user_pass|ntlm|nt_hash|md5|sha1|sha256|bcrypt)$/i;
export const URL_KEY = /^(url|host|site|domain|origin)$/i;

export type RecordForm = 'combo' | 'reversed' | 'url' | 'stealer' | 'csv' | 'json' | 'sql' | 'php' | 'user-pass';

/** One credential read from a leak line; the password stays inside the scan worker. */
export interface ParsedRecord {
  email: string | null;
  password: string | null;
  url: string | null;
  form: RecordForm;
  /** Column/key name the password came from (hints at the hash kind). */
  passwordHint: string;
}
