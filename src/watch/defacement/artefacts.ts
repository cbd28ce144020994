/**
 * Defacer artefacts: text that a defacement leaves behind and a normal government page never
 * carries. The list is data, extendable by adding entries here (or `extraArtefacts` at call
 * sites); each entry says what it is so the alert can name it.
 *
 * Sources: the defacement archives' usual signatures (Zone-H mirrors), webshell page titles, and
 * the patterns the commercial monitors document. Matching is case-insensitive on the page's
 * normalised text, title and raw HTML (webshells often hide their name in markup).
 */
export interface ArtefactRule {
  id: string;
  /** What the match means, for the alert. */
  label: string;
  pattern: RegExp;
  /** Where to look. */
  in: 'text' | 'title' | 'html';
}

export const DEFAULT_ARTEFACTS: ArtefactRule[] = [
  { id: 'phrase.hacked-by', label: '"hacked by" signature', pattern: /\bh[a4]ck(?:e|3)d\s+by\b/i, in: 'text' },
  { id: 'phrase.defaced-by', label: '"defaced by" signature', pattern: /\bdef[a4]ced\s+by\b/i, in: 'text' },
  { id: 'phrase.owned-by', label: '"owned by" signature', pattern: /\b(?:0|o)wn(?:e|3)d\s+by\b/i, in: 'text' },
  { id: 'phrase.pwned-by', label: '"pwned by" signature', pattern: /\bpwn(?:e|3)d\s+by\b/i, in: 'text' },
  { id: 'phrase.greetz', label: 'defacer greetings ("greetz"/"greets to")', pattern: /\bgreetz\b|\bgreets?\s+to\b/i, in: 'text' },
  { id: 'phrase.security-down', label: '"your security is down" taunt', pattern: /\byour\s+security\s+(?:is\s+)?(?:down|low|sucks)\b/i, in: 'text' },
  { id: 'phrase.was-here', label: '"was here" tag', pattern: /\b\w{3,}\s+was\s+here\b/i, in: 'text' },
  { id: 'phrase.hacked-vi', label: 'Vietnamese "bị hack bởi" signature', pattern: /b[iị]\s+hack\s+b[ởo]i/i, in: 'text' },
  {
    id: 'team.known',
    label: 'known defacer team name',
    pattern:
      /\b(?:anonymous\s+(?:indonesia|bangladesh|vietnam)|indoxploit|ghost\s+squad|spider\s+team|team\s+insane\s+pk|1877\s+team|tiger\s+cyber\s+crew|garuda\s+security\s+hacker|lulzsec|bangladesh\s+grey\s+hat|kosova\s+hacker|moroccan\s+(?:ghosts|revolution))\b/i,
    in: 'text',
  },
  { id: 'title.hacked', label: 'title says hacked/defaced/owned', pattern: /\b(?:h[a4]ck(?:e|3)d|def[a4]ced|(?:0|o)wn(?:e|3)d|pwn(?:e|3)d)\b/i, in: 'title' },
  { id: 'webshell.indoxploit', label: 'IndoXploit webshell page', pattern: /indoxploit/i, in: 'html' },
  { id: 'webshell.b374k', label: 'b374k webshell page', pattern: /b374k/i, in: 'html' },
  { id: 'webshell.wso', label: 'WSO webshell page', pattern: /\bWSO\s+\d\.\d|web\s*shell\s*by\s*orb|FilesMan/i, in: 'html' },
  { id: 'webshell.c99-r57', label: 'c99/r57 webshell page', pattern: /\bc99shell\b|\br57shell\b|\bc99madshell\b/i, in: 'html' },
  { id: 'webshell.alfa', label: 'ALFA TEaM webshell page', pattern: /alfa\s*team|~\s*ALFA\s*~/i, in: 'html' },
  { id: 'webshell.marijuana', label: 'Marijuana/0byt3m1n1 webshell page', pattern: /0byt3m1n1|marijuana\s+shell/i, in: 'html' },
];

export interface ArtefactHit {
  id: string;
  label: string;
  match: string;
}

export function findArtefacts(page: { text: string; title: string; html: string }, rules: ArtefactRule[] = DEFAULT_ARTEFACTS): ArtefactHit[] {
  const hits: ArtefactHit[] = [];
  for (const rule of rules) {
    const haystack = rule.in === 'title' ? page.title : rule.in === 'html' ? page.html : page.text;
    const match = rule.pattern.exec(haystack);
    if (match) hits.push({ id: rule.id, label: rule.label, match: match[0].slice(0, 120) });
  }
  return hits;
}
