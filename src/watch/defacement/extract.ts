import * as cheerio from 'cheerio';
import { getDomain } from 'tldts';
import { userPatternReplaceAll } from '../user-pattern.js';

/**
 * A page reduced to what defacement detection compares: title, text blocks, and the sources of
 * scripts, iframes, links and images with their hosts. Pure (HTML in, facts out).
 */
export interface PageFacts {
  title: string;
  /** Normalised text blocks in page order (digits folded so clocks and counters do not count as change). */
  blocks: string[];
  /** Script and iframe hosts (inline scripts' URLs included): where injected code comes from. */
  scriptHosts: string[];
  /** Image, stylesheet and link hosts. */
  resourceHosts: string[];
  /** Total characters of text. */
  textLength: number;
  /** Normalised text of the blocks, joined by newlines (the diff view). */
  text: string;
  /** The page's visible text as served (digits and case kept) for artefact matching. */
  rawText: string;
}

export interface IgnoreRules {
  selectors: string[];
  patterns: string[];
}

const BLOCK_TAGS = 'p,h1,h2,h3,h4,h5,h6,li,td,th,dt,dd,blockquote,pre,figcaption,caption,label,button,a,title,option,marquee';
const MAX_HTML = 5_000_000;

export function extractPage(html: string, pageUrl: string, ignore: IgnoreRules = { selectors: [], patterns: [] }): PageFacts {
  const $ = cheerio.load(html.length > MAX_HTML ? html.slice(0, MAX_HTML) : html);
  const title = normaliseSpace($('title').first().text());
  const scriptHosts = new Set<string>();
  const resourceHosts = new Set<string>();
  const addHost = (set: Set<string>, value: string | undefined) => {
    const host = hostOf(value, pageUrl);
    if (host) set.add(host);
  };
  $('script').each((_, el) => {
    const src = $(el).attr('src');
    if (src) addHost(scriptHosts, src);
    else
      for (const url of $(el)
        .text()
        .match(/https?:\/\/[^\s'"`)<>]+/g) ?? [])
        addHost(scriptHosts, url);
  });
  $('iframe[src],frame[src],embed[src],object[data]').each((_, el) => addHost(scriptHosts, $(el).attr('src') ?? $(el).attr('data')));
  $('img[src],link[href],source[src],video[src],audio[src]').each((_, el) => addHost(resourceHosts, $(el).attr('src') ?? $(el).attr('href')));

  $('script,style,noscript,template,svg').remove();
  // Elements touch in the markup ("<h1>Team</h1><p>Your…"): pad them so words stay apart.
  $('body *').each((_, el) => {
    $(el).prepend(' ').append(' ');
  });
  const rawText = normaliseSpace($('body').text()).slice(0, 200_000);
  for (const selector of ignore.selectors) {
    try {
      $(selector).remove();
    } catch {
      // an invalid selector in the config must not stop the check; the config validator reports it
    }
  }
  // Under RE2 (user-pattern.ts): an ignore rule cannot freeze the watch on a hostile page.
  const clean = (text: string) => {
    let out = text;
    for (const pattern of ignore.patterns) {
      try {
        out = userPatternReplaceAll(pattern, out, ' ');
      } catch {
        // refused at validation; one that still fails here (wasm memory) must not stop the check
      }
    }
    return normaliseSpace(out).replace(/\d+/g, '#').toLowerCase();
  };

  // A block is the text of an element that has no block descendants, plus leftover text of bodies
  // and divs, so markup restructuring without text change does not count as change.
  const blocks: string[] = [];
  const body = $('body'); // cheerio.load always adds html/head/body
  body.find(BLOCK_TAGS).each((_, el) => {
    const node = $(el);
    if (node.find(BLOCK_TAGS).length > 0) return;
    const text = clean(node.text());
    if (text) blocks.push(text);
  });
  body.find(BLOCK_TAGS).remove();
  body.find('div,section,article,span,main,header,footer,center,font,b,i,strong,em').each((_, el) => {
    const own = $(el)
      .contents()
      .filter((_, c) => c.type === 'text')
      .text();
    const text = clean(own);
    if (text) blocks.push(text);
  });
  const rootText = clean(
    body
      .contents()
      .filter((_, c) => c.type === 'text')
      .text(),
  );
  if (rootText) blocks.push(rootText);
  const text = blocks.join('\n');
  return {
    title,
    blocks,
    scriptHosts: [...scriptHosts].sort(),
    resourceHosts: [...resourceHosts].sort(),
    textLength: blocks.reduce((n, b) => n + b.length, 0),
    text,
    rawText,
  };
}

export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function hostOf(value: string | undefined, base: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The registrable domain of a host (www.example.gov.vn → example.gov.vn), for "new domain" decisions. */
export function siteOf(host: string): string {
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}
