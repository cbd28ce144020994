/**
 * Extract what the web checks need from an HTML page with cheerio: scripts (SRI), iframes,
 * stylesheets, images, forms, generator tags, CSP meta tags, mixed content and CMS markers.
 * Pure (no network) so it is unit-tested on strings. Lists are capped to bound memory on huge pages.
 */
import { load } from 'cheerio';
import type { CmsMarker, PageContent, PageResource, PageScript } from './types.js';

const MAX_ITEMS = 500;

function absolute(value: string | undefined, base: URL): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (!trimmed || /^(data|javascript|blob|about|mailto|tel):/i.test(trimmed)) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

export function parsePage(html: string, pageUrl: string, headers: Record<string, string> = {}): PageContent {
  // htmlparser2 in HTML mode, not parse5: 2–3× faster on huge pages (a 2 MiB page of 100k elements
  // is a plausible hostile answer) and spec-level tree fidelity is not needed to list tags.
  const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const base = new URL(pageUrl);
  const baseHref = $('base[href]').first().attr('href');
  const resolveBase = baseHref ? new URL(absolute(baseHref, base) ?? base.href) : base;
  const https = base.protocol === 'https:';
  let truncatedLists = false;
  const capped = <T>(list: T[], item: T): void => {
    if (list.length < MAX_ITEMS) list.push(item);
    else truncatedLists = true;
  };

  const scripts: PageScript[] = [];
  let inlineScripts = 0;
  $('script').each((_i, element) => {
    const src = $(element).attr('src');
    if (!src) {
      inlineScripts++;
      return;
    }
    const url = absolute(src, resolveBase);
    const script: PageScript = { src, external: url ? new URL(url).origin !== base.origin : false };
    if (url) script.url = url;
    const integrity = $(element).attr('integrity');
    if (integrity) script.integrity = integrity;
    const crossorigin = $(element).attr('crossorigin');
    if (crossorigin !== undefined) script.crossorigin = crossorigin;
    capped(scripts, script);
  });

  const collect = (selector: string, attribute: string, tag: string): PageResource[] => {
    const out: PageResource[] = [];
    $(selector).each((_i, element) => {
      const url = absolute($(element).attr(attribute), resolveBase);
      if (url) capped(out, { tag, attribute, url });
    });
    return out;
  };
  const iframes = collect('iframe[src], frame[src]', 'src', 'iframe');
  const images = collect('img[src]', 'src', 'img');
  const media = [...collect('audio[src], video[src], source[src]', 'src', 'media')];
  const objects = [...collect('object[data]', 'data', 'object'), ...collect('embed[src]', 'src', 'embed')];
  const stylesheets: (PageResource & { integrity?: string })[] = [];
  $('link[href]').each((_i, element) => {
    const rel = ($(element).attr('rel') ?? '').toLowerCase();
    if (!rel.split(/\s+/).includes('stylesheet')) return;
    const url = absolute($(element).attr('href'), resolveBase);
    if (!url) return;
    const integrity = $(element).attr('integrity');
    capped(stylesheets, integrity ? { tag: 'link', attribute: 'href', url, integrity } : { tag: 'link', attribute: 'href', url });
  });

  const forms: PageContent['forms'] = [];
  $('form').each((_i, element) => {
    const action = absolute($(element).attr('action'), resolveBase) ?? base.href;
    capped(forms, {
      action,
      method: ($(element).attr('method') ?? 'get').toLowerCase(),
      hasPassword: $(element).find('input[type=password i]').length > 0,
    });
  });
  const loginForm = $('input[type=password i]').length > 0;

  const generators: string[] = [];
  $('meta[name=generator i]').each((_i, element) => {
    const content = $(element).attr('content');
    if (content) capped(generators, content.slice(0, 200));
  });
  const metaCsp: string[] = [];
  $('meta[http-equiv]').each((_i, element) => {
    if (($(element).attr('http-equiv') ?? '').toLowerCase() === 'content-security-policy') {
      const content = $(element).attr('content');
      if (content) metaCsp.push(content.slice(0, 8192));
    }
  });

  const mixedContent: PageContent['mixedContent'] = [];
  if (https) {
    const insecure = (resource: PageResource): boolean => resource.url.startsWith('http://');
    for (const script of scripts) {
      if (script.url?.startsWith('http://')) capped(mixedContent, { tag: 'script', attribute: 'src', url: script.url, kind: 'active' });
    }
    for (const resource of [...iframes, ...stylesheets, ...objects]) {
      if (insecure(resource)) capped(mixedContent, { tag: resource.tag, attribute: resource.attribute, url: resource.url, kind: 'active' });
    }
    for (const resource of [...images, ...media]) {
      if (insecure(resource)) capped(mixedContent, { tag: resource.tag, attribute: resource.attribute, url: resource.url, kind: 'passive' });
    }
    for (const form of forms) {
      if (form.action.startsWith('http://')) capped(mixedContent, { tag: 'form', attribute: 'action', url: form.action, kind: 'active' });
    }
  }

  const title = $('title').first().text().trim().slice(0, 300);
  const content: PageContent = {
    generators,
    metaCsp,
    scripts,
    inlineScripts,
    iframes,
    stylesheets,
    images,
    forms,
    mixedContent,
    cms: detectCms(html, generators, headers, [...scripts.map((s) => s.url ?? ''), ...stylesheets.map((s) => s.url)]),
    loginForm,
    truncatedLists,
  };
  if (title) content.title = title;
  return content;
}

/**
 * CMS and version markers. WordPress's core assets (wp-includes/css/*, wp-includes/js/wp-*) carry
 * the core version as `ver=`; plugin, theme and vendored-library assets carry their own versions,
 * so they are not used.
 */
export function detectCms(html: string, generators: string[], headers: Record<string, string>, assetUrls: string[]): CmsMarker[] {
  const markers: CmsMarker[] = [];
  const add = (marker: CmsMarker): void => {
    if (!markers.some((m) => m.cms === marker.cms && m.version === marker.version && m.source === marker.source)) markers.push(marker);
  };
  for (const generator of [...generators, ...(headers['x-generator'] ? [headers['x-generator']] : [])]) {
    const source = generators.includes(generator) ? 'meta generator' : 'x-generator header';
    let m: RegExpExecArray | null;
    if ((m = /WordPress\s*([\d.]+)?/i.exec(generator))) add(withVersion({ cms: 'wordpress', product: 'WordPress', source }, m[1]));
    else if ((m = /Joomla!?\s*([\d.]+)?/i.exec(generator))) add(withVersion({ cms: 'joomla', product: 'Joomla!', source }, m[1]));
    else if ((m = /Drupal\s*([\d.]+)?/i.exec(generator))) add(withVersion({ cms: 'drupal', product: 'Drupal', source }, m[1]));
    else add({ cms: 'other', product: generator.slice(0, 100), source });
  }
  for (const url of assetUrls) {
    // Only core assets: wp-includes also ships vendored libraries (jQuery…) tagged with their own versions.
    const wp = /\/wp-includes\/(?:css\/[^?#]*|js\/wp-[^/?#]*)\?(?:[^#]*&)?ver=([\d.]+)/.exec(url);
    if (wp) add(withVersion({ cms: 'wordpress', product: 'WordPress', source: 'wp-includes ver=' }, wp[1]));
  }
  if (!markers.some((m) => m.cms === 'wordpress') && /\/wp-(content|includes)\//.test(html))
    add({ cms: 'wordpress', product: 'WordPress', source: 'wp-content paths' });
  if (!markers.some((m) => m.cms === 'joomla') && /\/media\/(jui|system)\/js\/|\/components\/com_[a-z]+\//i.test(html))
    add({ cms: 'joomla', product: 'Joomla!', source: 'Joomla asset paths' });
  if (!markers.some((m) => m.cms === 'drupal')) {
    const header = headers['x-drupal-cache'] !== undefined || headers['x-drupal-dynamic-cache'] !== undefined;
    if (header || /Drupal\.settings|drupal-settings-json|\/sites\/(default|all)\/(files|modules|themes)\//.test(html)) {
      add({ cms: 'drupal', product: 'Drupal', source: header ? 'x-drupal-cache header' : 'Drupal asset paths' });
    }
  }
  return markers.slice(0, 20);
}

function withVersion(marker: CmsMarker, version: string | undefined): CmsMarker {
  return version ? { ...marker, version } : marker;
}
