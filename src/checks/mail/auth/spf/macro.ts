/**
 * RFC 7208 §7 macro strings: parsing (syntax errors are permerror) and expansion. Hand-written
 * because the grammar is small, and every library we measured got a corner of it wrong.
 */
export class SpfSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpfSyntaxError';
  }
}

export type MacroToken =
  | { kind: 'literal'; text: string }
  | { kind: 'macro'; letter: string; urlEscape: boolean; keep: number | undefined; reverse: boolean; delimiters: string; source: string };

export interface MacroString {
  source: string;
  tokens: MacroToken[];
  /** Whether the string ends in a macro-expand (%{..}, %%, %_ or %-): a valid domain-end. */
  endsWithMacroExpand: boolean;
}

/** Letters allowed everywhere; c, r and t only in explanation text (§7.2). */
const DOMAIN_LETTERS = 'slodiphv';
const EXPLANATION_LETTERS = 'slodiphvcrt';
const DELIMITERS = '.-+,/_=';

/**
 * Parse a macro-string. `explanation` allows spaces and the c/r/t letters (explain-string).
 * Literal characters must be visible ASCII (%x21-7E) — or SP in an explanation.
 */
export function parseMacroString(source: string, options: { explanation?: boolean } = {}): MacroString {
  const letters = options.explanation ? EXPLANATION_LETTERS : DOMAIN_LETTERS;
  const tokens: MacroToken[] = [];
  let literal = '';
  let lastWasExpand = false;
  const flush = () => {
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    const code = ch.charCodeAt(0);
    if (ch !== '%') {
      const visible = code >= 0x21 && code <= 0x7e;
      if (!visible && !(options.explanation && code === 0x20)) {
        throw new SpfSyntaxError(`character 0x${code.toString(16).padStart(2, '0')} is not allowed in "${printable(source)}"`);
      }
      literal += ch;
      lastWasExpand = false;
      continue;
    }
    lastWasExpand = true;
    const next = source[i + 1];
    if (next === '%') {
      literal += '%';
      i++;
    } else if (next === '_') {
      literal += ' ';
      i++;
    } else if (next === '-') {
      literal += '%20';
      i++;
    } else if (next === '{') {
      const end = source.indexOf('}', i + 2);
      if (end < 0) throw new SpfSyntaxError(`unterminated macro in "${printable(source)}"`);
      const body = source.slice(i + 2, end);
      const match = /^([a-zA-Z])(\d*)(r?)([.\-+,/_=]*)$/i.exec(body);
      if (!match) throw new SpfSyntaxError(`invalid macro %{${body}}`);
      const letter = match[1]!;
      if (!letters.includes(letter.toLowerCase())) {
        throw new SpfSyntaxError(
          `macro letter "${letter}" is not allowed here${letters === DOMAIN_LETTERS && 'crt'.includes(letter.toLowerCase()) ? ' (only in explanation text)' : ''}`,
        );
      }
      const keep = match[2] ? Number(match[2]) : undefined;
      if (keep === 0) throw new SpfSyntaxError(`macro %{${body}}: the number of parts must be non-zero`);
      flush();
      tokens.push({
        kind: 'macro',
        letter: letter.toLowerCase(),
        urlEscape: letter !== letter.toLowerCase(),
        keep,
        reverse: match[3]!.toLowerCase() === 'r',
        delimiters: match[4] || '.',
        source: `%{${body}}`,
      });
      i = end;
    } else {
      throw new SpfSyntaxError(`"%" must be followed by "{", "%", "_" or "-" in "${printable(source)}"`);
    }
  }
  flush();
  return { source, tokens, endsWithMacroExpand: lastWasExpand };
}

/** A toplabel (§7.1): not all-numeric, no leading or trailing dash. */
const DOMAIN_END = /\.(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])\.?$/i;

/** domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand. */
export function parseDomainSpec(source: string): MacroString {
  if (source === '') throw new SpfSyntaxError('empty domain-spec');
  const parsed = parseMacroString(source);
  if (!parsed.endsWithMacroExpand && !DOMAIN_END.test(source)) {
    throw new SpfSyntaxError(`domain-spec "${printable(source)}" must end in a macro or a valid top-level label`);
  }
  return parsed;
}

export interface MacroContext {
  sender: string;
  localPart: string;
  senderDomain: string;
  domain: string;
  /** The client IP as the macros see it (IPv4-mapped IPv6 is IPv4). */
  ip: { family: 4 | 6; bytes: number[]; readable: string };
  helo: string;
  receiver: string;
  /** %{p}: resolved lazily, only when a string uses it (it costs DNS lookups). */
  validatedName: () => Promise<string>;
  now: () => number;
}

export async function expandMacroString(macro: MacroString, context: MacroContext): Promise<string> {
  let out = '';
  for (const token of macro.tokens) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    let value = await macroValue(token.letter, context);
    // Transformers (§7.3): split on the delimiters, optionally reverse, keep the rightmost N, join with '.'.
    if (token.keep !== undefined || token.reverse || token.delimiters !== '.') {
      let parts = value.split(new RegExp(`[${escapeForClass(token.delimiters)}]`));
      if (token.reverse) parts = parts.reverse();
      if (token.keep !== undefined && token.keep < parts.length) parts = parts.slice(parts.length - token.keep);
      value = parts.join('.');
    }
    out += token.urlEscape ? urlEscape(value) : value;
  }
  return out;
}

async function macroValue(letter: string, context: MacroContext): Promise<string> {
  switch (letter) {
    case 's':
      return context.sender;
    case 'l':
      return context.localPart;
    case 'o':
      return context.senderDomain;
    case 'd':
      return context.domain;
    case 'i':
      return context.ip.family === 4 ? context.ip.bytes.join('.') : nibbles(context.ip.bytes).join('.');
    case 'p':
      return context.validatedName();
    case 'v':
      return context.ip.family === 4 ? 'in-addr' : 'ip6';
    case 'h':
      return context.helo;
    case 'c':
      return context.ip.readable;
    case 'r':
      return context.receiver;
    case 't':
      return String(Math.floor(context.now() / 1000));
    default:
      // parseMacroString admits only the letters above
      throw new SpfSyntaxError(`unknown macro letter ${letter}`);
  }
}

export function nibbles(bytes: number[]): string[] {
  const out: string[] = [];
  for (const byte of bytes) out.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return out;
}

/** Uppercase macros are URL-escaped: everything outside RFC 3986 "unreserved" (§7.3). */
function urlEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function escapeForClass(chars: string): string {
  return chars.replace(/[-\\\]^/]/g, (c) => `\\${c}`);
}

export function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export { DELIMITERS };
