/** A message an SMTP server of the lab accepted (the lab never delivers mail). */
export interface LabMessage {
  /** host:port of the lab server that accepted it (world address and standard port). */
  server: string;
  from: string;
  to: string[];
  subject: string;
  /** Raw message, cut at the size limit. */
  raw: string;
  /** Some recipient was outside the server's domains (accepted only by an open relay). */
  relayed: boolean;
  receivedAt: string;
}

/** The last N accepted messages, oldest dropped first: memory stays bounded. */
export class MessageStore {
  private readonly items: LabMessage[] = [];
  constructor(private readonly limit: number) {}

  add(message: LabMessage): void {
    this.items.push(message);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }

  list(): LabMessage[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** The Subject header of a raw message (unfolded, RFC 2047 words decoded). */
export function subjectOf(raw: string): string {
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const headers = (headerEnd === -1 ? raw : raw.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^subject:[ \t]*(.*)$/im.exec(headers);
  if (!match) return '';
  // whitespace between adjacent encoded words is not part of the text (RFC 2047 §6.2)
  return match[1]!
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) => {
      if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('utf8');
      return Buffer.from(
        text.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    })
    .trim();
}
