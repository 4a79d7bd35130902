/**
 * The allow-list sanitizer for HTML from AI models and editors (DESIGN §7 "Untrusted input": HTML
 * is sanitized on the server before it is stored or published). Workers have no DOM, so it reads
 * core/html/tokenize.ts tokens and builds a small, always balanced tree:
 *
 * - allowed tags keep only their allowed attributes (a: href, rel, target=_blank with noopener; img: src,
 *   alt), re-serialized;
 * - h1 becomes h2 and h5/h6 become h4 (an article's headings live in h2–h4);
 * - tags whose content is code or embedded media (script, style, iframe, svg, …) go with their content;
 * - any other tag is unwrapped: its text stays (block-level ones leave a line break);
 * - URLs: http(s), relative and (links only) mailto; anything else (javascript:, data:, vbscript:,
 *   file:, backslash tricks) drops the link (its text stays) or the image;
 * - text keeps its character references as written (`&nbsp;` stays), stray `<`, `>`, `&` are escaped.
 *
 * Its API (sanitizeHtml, safeUrl, htmlToText, deriveExcerpt) is what core/html/sanitize.spec.ts
 * pins; the publisher and the draft room (core/draft) both depend on it.
 */
import { decodeEntities, escapeAttribute, escapeRawText } from './entities';
import { tokenize } from './tokenize';

export const ALLOWED_TAGS = [
  'p',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
  'strong',
  'em',
  'b',
  'i',
  'a',
  'blockquote',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'img',
  'figure',
  'figcaption',
  'br',
  'hr',
  'code',
  'pre',
] as const;
export type AllowedTag = (typeof ALLOWED_TAGS)[number];

/** A sanitized node; text is HTML-safe text (`html`), ready to emit. */
export type HtmlNode =
  | { kind: 'element'; tag: AllowedTag; attrs: Record<string, string>; children: HtmlNode[] }
  | { kind: 'text'; html: string };

export interface SanitizeOptions {
  /**
   * Rewrites an image source (e.g. to its WordPress upload) or drops the image (null); the result is
   * checked like any other URL.
   */
  imgSrc?: (src: string, attrs: Record<string, string>) => string | null;
}

const ALLOWED = new Set<string>(ALLOWED_TAGS);
const RENAMED: Record<string, AllowedTag> = { h1: 'h2', h5: 'h4', h6: 'h4' };
const VOID = new Set([
  'br',
  'hr',
  'img',
  'area',
  'base',
  'col',
  'embed',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Removed together with everything inside them. */
const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'template',
  'svg',
  'math',
  'head',
  'object',
  'applet',
  'frameset',
  'select',
  'canvas',
  'audio',
  'video',
  'button',
]);
/** Unknown block-level tags: unwrapped with a line break on each side, so words don't run together. */
const UNKNOWN_BLOCK = new Set([
  'div',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'nav',
  'address',
  'details',
  'summary',
  'dl',
  'dt',
  'dd',
  'center',
  'form',
  'fieldset',
  'legend',
  'hgroup',
  'caption',
  'body',
  'html',
]);
/** Allowed tags that are blocks: they close an open paragraph or heading (and start a new line in text). */
export const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'p',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
  'blockquote',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'figure',
  'figcaption',
  'hr',
  'pre',
]);
/** An implied end tag never reaches past these (a <p> inside <li> doesn't close an outer <p>). */
const SCOPE = ['li', 'td', 'th', 'blockquote', 'figure', 'figcaption', 'table'];
const REL_TOKENS = new Set(['nofollow', 'noopener', 'noreferrer', 'sponsored', 'ugc', 'external']);

export type UrlKind = 'href' | 'src';

/** The URL if it is safe to keep for a link (`href`) or an image (`src`), else null. */
export function safeUrl(raw: string, kind: UrlKind): string | null {
  // Browsers ignore leading/trailing controls and spaces and every tab/newline inside a URL
  // ("java\tscript:" is javascript:): judge the URL as they will read it.
  const url = raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  if (!url) return null;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === 'http' || scheme === 'https') return url;
    return kind === 'href' && scheme === 'mailto' ? url : null;
  }
  // Relative (no scheme) is safe, except backslash forms browsers read as another host.
  if (/^[\\/][\\]|^\\/.test(url)) return null;
  return url;
}

function allowedAttributes(
  tag: AllowedTag,
  attrs: Record<string, string>,
  opts: SanitizeOptions,
): Record<string, string> | null {
  switch (tag) {
    case 'a': {
      const href = safeUrl(attrs.href ?? '', 'href');
      if (href === null) return null;
      const rel = (attrs.rel ?? '')
        .toLowerCase()
        .split(/\s+/)
        .filter((t) => REL_TOKENS.has(t));
      // A new tab is the one target kept; the page it opens never gets a handle on this one.
      const newTab = (attrs.target ?? '').toLowerCase() === '_blank';
      if (newTab) for (const t of ['noopener', 'noreferrer']) if (!rel.includes(t)) rel.push(t);
      return { href, ...(rel.length ? { rel: rel.join(' ') } : {}), ...(newTab ? { target: '_blank' } : {}) };
    }
    case 'img': {
      const given = attrs.src ?? '';
      const rewritten = opts.imgSrc ? opts.imgSrc(given, attrs) : given;
      const src = rewritten === null ? null : safeUrl(rewritten, 'src');
      if (src === null) return null;
      return attrs.alt === undefined ? { src } : { src, alt: attrs.alt };
    }
    default:
      return {};
  }
}

type Element = Extract<HtmlNode, { kind: 'element' }>;

/** Parses and sanitizes: the allowed content of `html` as a balanced tree. */
export function sanitizeToTree(html: string, opts: SanitizeOptions = {}): HtmlNode[] {
  const root: HtmlNode[] = [];
  const stack: Element[] = [];
  const children = () => (stack.length ? stack[stack.length - 1]!.children : root);
  const addText = (text: string) => {
    const siblings = children();
    const last = siblings[siblings.length - 1];
    if (last?.kind === 'text') last.html += text;
    else siblings.push({ kind: 'text', html: text });
  };
  /** Closes the innermost open element named in `tags`, unless a boundary comes first. */
  const closeInScope = (tags: string[], boundaries: string[]) => {
    for (let k = stack.length - 1; k >= 0; k--) {
      const t = stack[k]!.tag;
      if (tags.includes(t)) {
        stack.length = k;
        return;
      }
      if (boundaries.includes(t)) return;
    }
  };
  let skipping: { tag: string; depth: number } | null = null;

  for (const token of tokenize(html)) {
    if (skipping) {
      if (token.kind === 'open' && token.tag === skipping.tag && !token.selfClosing) skipping.depth++;
      else if (token.kind === 'close' && token.tag === skipping.tag && --skipping.depth === 0) skipping = null;
      continue;
    }
    switch (token.kind) {
      case 'text':
        addText(escapeRawText(token.raw));
        break;
      case 'open': {
        if (DROPPED_WITH_CONTENT.has(token.tag)) {
          if (!token.selfClosing && !VOID.has(token.tag)) skipping = { tag: token.tag, depth: 1 };
          break;
        }
        const tag = RENAMED[token.tag] ?? (ALLOWED.has(token.tag) ? (token.tag as AllowedTag) : null);
        if (tag === null) {
          if (UNKNOWN_BLOCK.has(token.tag)) addText('\n');
          break;
        }
        impliedEnds(tag, closeInScope);
        const attrs = allowedAttributes(tag, token.attrs, opts);
        if (attrs === null) break; // a link without a safe href is unwrapped; an image without a safe src dropped
        const el: Element = { kind: 'element', tag, attrs, children: [] };
        children().push(el);
        if (!VOID.has(tag) && !token.selfClosing) stack.push(el);
        break;
      }
      case 'close': {
        const tag = RENAMED[token.tag] ?? token.tag;
        if (!ALLOWED.has(tag)) {
          if (UNKNOWN_BLOCK.has(tag)) addText('\n');
          break;
        }
        if (VOID.has(tag)) break;
        for (let k = stack.length - 1; k >= 0; k--) {
          if (stack[k]!.tag === tag) {
            stack.length = k;
            break;
          }
        }
        break;
      }
      default: {
        const unknown: never = token;
        throw new Error(`Unknown token ${JSON.stringify(unknown)}`);
      }
    }
  }
  return root;
}

/** The end tags HTML implies when `tag` opens (a new <p> closes the open one, <li> the previous <li>…). */
function impliedEnds(tag: AllowedTag, closeInScope: (tags: string[], boundaries: string[]) => void) {
  if (BLOCK_TAGS.has(tag)) closeInScope(['p', 'h2', 'h3', 'h4'], SCOPE);
  switch (tag) {
    case 'li':
      closeInScope(['li'], ['ul', 'ol', 'td', 'th', 'blockquote', 'figure', 'table']);
      break;
    case 'tr':
      closeInScope(['tr'], ['table', 'thead', 'tbody']);
      break;
    case 'td':
    case 'th':
      closeInScope(['td', 'th'], ['tr', 'table']);
      break;
    case 'thead':
    case 'tbody':
      closeInScope(['thead', 'tbody'], ['table']);
      break;
    case 'a':
      closeInScope(['a'], SCOPE);
      break;
    default:
      break;
  }
}

export function serializeHtml(nodes: HtmlNode[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.html;
      continue;
    }
    const attrs = Object.entries(node.attrs)
      .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
      .join('');
    out += `<${node.tag}${attrs}>`;
    if (!VOID.has(node.tag)) out += `${serializeHtml(node.children)}</${node.tag}>`;
  }
  return out;
}

/** `html` with everything outside the allow-list removed. Idempotent. */
export function sanitizeHtml(html: string, opts: SanitizeOptions = {}): string {
  return serializeHtml(sanitizeToTree(html, opts));
}

function collectText(nodes: HtmlNode[], out: string[]) {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(decodeEntities(node.html));
    else if (node.tag === 'br' || node.tag === 'hr' || BLOCK_TAGS.has(node.tag)) {
      out.push(' ');
      collectText(node.children, out);
      out.push(' ');
    } else collectText(node.children, out);
  }
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The readable text of `html` (sanitized first): blocks and line breaks become spaces. */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  collectText(sanitizeToTree(html), parts);
  return squash(parts.join(''));
}

/** A paragraph shorter than this is a caption or a stub, not the article's opening. */
const EXCERPT_MIN_CHARS = 20;

/** The opening of the article for listings and meta: its first real paragraph, cut at a word boundary. */
export function deriveExcerpt(html: string, maxLength = 300): string {
  const tree = sanitizeToTree(html);
  const paragraphs: string[] = [];
  const walk = (nodes: HtmlNode[]) => {
    for (const node of nodes) {
      if (node.kind !== 'element') continue;
      if (node.tag === 'p') {
        const parts: string[] = [];
        collectText(node.children, parts);
        const text = squash(parts.join(''));
        if (text) paragraphs.push(text);
      } else walk(node.children);
    }
  };
  walk(tree);
  const text = paragraphs.find((p) => p.length >= EXCERPT_MIN_CHARS) ?? paragraphs[0] ?? htmlToText(html);
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxLength / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, '')}…`;
}
