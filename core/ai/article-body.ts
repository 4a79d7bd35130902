/**
 * One reading of an article's body, shared by the stream (what an editor watches arrive in the
 * draft) and the final parse (what is saved and charged), so the two can't differ. A body may come
 * as HTML, as Markdown or plain text (converted here to the HTML the draft's schema knows:
 * headings, paragraphs, lists, emphasis, links), or wrapped in a code fence; whatever it was, the
 * result goes through the sanitizer.
 */
import { sanitizeHtml } from '../html/sanitize';
import { plainText } from './plain-text';

/**
 * A section as the draft and the content row get it: a plain heading ('' only for a lead before the
 * first H2) and sanitized HTML.
 */
export interface ArticleSection {
  h2: string;
  html: string;
}

/** Same cap as an outline heading (normalize-reply's PLAIN_LIMITS.outline_h2). */
const H2_MAX = 200;

// Any element tag (a body of only a <script> is HTML the sanitizer empties, not text to show).
const HTML_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!doctype\b/i;

/** Whether a body is HTML (has at least one element tag) rather than Markdown or plain text. */
export function looksLikeHtml(text: string): boolean {
  return HTML_TAG.test(text);
}

const WRAPPER_LANGS = /^(?:html?|xhtml|markdown|md|mdx|te?xt|plain(?:text)?)$/i;

/**
 * A body wrapped in one code fence (```html … ```, ```markdown … ```, or a bare fence around HTML):
 * its inside. A bare fence around anything else is a code block of the article and stays one.
 */
export function unfence(text: string, wholeReply = false): string {
  const m = /^\s*(`{3,}|~{3,})[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*$/.exec(text);
  if (!m) return text;
  const inside = m[3]!;
  // A whole reply in a bare fence is the article itself (a body in one may be a code sample).
  return WRAPPER_LANGS.test(m[2]!) || (!m[2] && (wholeReply || looksLikeHtml(inside) || !inside.trim()))
    ? inside
    : text;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline Markdown: `code`, [links](url), **strong**, *em* (text escaped first; the sanitizer checks URLs). */
export function inlineMarkdown(text: string): string {
  const codes: string[] = [];
  let s = escapeHtml(text).replace(/`([^`]+)`/g, (_m, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  s = s
    .replace(
      /\[([^\]]+)\]\(\s*([^)\s]+)(?:\s+&quot;[^)]*&quot;)?\s*\)/g,
      (_m, t: string, url: string) => `<a href="${url}">${t}</a>`,
    )
    .replace(/(\*\*|__)(?=\S)([\s\S]+?\S)\1/g, '<strong>$2</strong>')
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?\S)?\*(?!\*)/g, (_m, pre: string, t: string | undefined) =>
      t === undefined ? _m : `${pre}<em>${t}</em>`,
    )
    .replace(/(^|[^\w])_(?=\S)([^_]+?)_(?!\w)/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => `<code>${codes[Number(i)]}</code>`);
}

/** Block Markdown (or plain text: paragraphs split by blank lines) to HTML. */
export function markdownToHtml(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  let quote: string[] = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${inlineMarkdown(para.join(' ').trim())}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inlineMarkdown(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote><p>${inlineMarkdown(quote.join(' ').trim())}</p></blockquote>`);
    quote = [];
  };
  const flushAll = () => {
    flushPara();
    flushList();
    flushQuote();
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flushAll();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence[1]!); i++) code.push(lines[i]!);
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    if (!line.trim()) {
      flushAll();
      continue;
    }
    const heading = /^\s*(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flushAll();
      // An H1 inside a body is a heading of the article, not its title: the draft knows h2–h4.
      const level = Math.min(4, Math.max(2, heading[1]!.length));
      out.push(`<h${level}>${inlineMarkdown(heading[2]!)}</h${level}>`);
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushAll();
      continue; // a thematic break: the draft has none, the paragraphs around it stay apart
    }
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushPara();
      flushQuote();
      const tag = item[1] ? 'ul' : 'ol';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push(item[3]!);
      continue;
    }
    const q = /^\s*>\s?(.*)$/.exec(line);
    if (q) {
      flushPara();
      flushList();
      quote.push(q[1]!);
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // A continuation line of the last list item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    flushQuote();
    para.push(line.trim());
  }
  flushAll();
  return out.join('');
}

/** A section body, whatever it was written in, as sanitized HTML. */
export function bodyHtml(raw: string): string {
  const text = unfence(raw.trim());
  return sanitizeHtml(looksLikeHtml(text) ? text : markdownToHtml(text));
}

/** A section heading as plain text ('<b>Why</b>', '## Why' → 'Why'). */
export function headingText(raw: string): string {
  return plainText(raw, H2_MAX);
}

/**
 * One section, read the same way wherever it comes from: the heading plain, the body as sanitized
 * HTML, and a body that repeats its own heading first (`<h2>Why</h2>…`) does not show it twice.
 */
export function articleSection(h2: string, body: string): ArticleSection {
  const heading = headingText(h2);
  let html = bodyHtml(body);
  const lead = /^\s*<h2>([\s\S]*?)<\/h2>/i.exec(html);
  if (lead && heading && headingText(lead[1]!) === heading) html = html.slice(lead[0].length).trim();
  return { h2: heading, html };
}

/** Two readings of an article are the same when their sections are, in order. */
export function sameSections(a: readonly ArticleSection[], b: readonly ArticleSection[]): boolean {
  return a.length === b.length && a.every((s, i) => s.h2 === b[i]!.h2 && s.html === b[i]!.html);
}

/** The article's HTML: each section under its H2 (a lead without one as it is), sanitized. */
export function articleHtml(sections: readonly ArticleSection[]): string {
  return sanitizeHtml(sections.map((s) => `${s.h2 ? `<h2>${escapeHtml(s.h2)}</h2>` : ''}${s.html}`).join('\n'));
}

/** Words of prose a reply may put around a fenced article ("Here is your article:", "Enjoy!"). */
const MAX_WRAPPING_WORDS = 30;

/** A reply that is one fenced document (markdown, html or bare) with a little prose around it: the document. */
function fencedDocument(text: string): string {
  const m = /(^|\n)[ \t]*(`{3,}|~{3,})[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/.exec(text);
  if (!m || (m[3] && !WRAPPER_LANGS.test(m[3]))) return text;
  const outside = text.slice(0, m.index) + '\n' + text.slice(m.index + m[0].length);
  // Headings outside the fence: the fence is a code sample of an article written around it.
  if (/(^|\n)\s*#{1,6}\s|<h[1-6]\b/i.test(outside)) return text;
  return outside.split(/\s+/).filter(Boolean).length <= MAX_WRAPPING_WORDS ? m[4]! : text;
}

export interface TextArticle {
  title: string | null;
  sections: ArticleSection[];
}

/**
 * An article written as a document instead of JSON (Markdown, plain text or HTML, maybe in a
 * fence, maybe after a line of prose): its H1 is the title, each H2 starts a section, and what
 * comes before the first H2 is a lead section without a heading. Null when it holds no text.
 */
export function textArticle(reply: string): TextArticle | null {
  const text = fencedDocument(unfence(reply.replace(/^\uFEFF/, '').trim(), true).trim());
  if (!text) return null;
  let title: string | null = null;
  const parts: { h2: string; body: string }[] = [];
  if (looksLikeHtml(text)) {
    let rest = text.replace(
      /<h1\b[^>]*>([\s\S]*?)<\/h1\s*>/i,
      (_m, t: string) => ((title = headingText(t) || null), ''),
    );
    rest = rest.replace(/^[\s\S]*?<body\b[^>]*>/i, '').replace(/<\/body\s*>[\s\S]*$/i, '');
    const pieces = rest.split(/<h2\b[^>]*>([\s\S]*?)<\/h2\s*>/i);
    parts.push({ h2: '', body: pieces[0]! });
    for (let i = 1; i < pieces.length; i += 2) parts.push({ h2: pieces[i]!, body: pieces[i + 1] ?? '' });
  } else {
    let current = { h2: '', body: [] as string[] };
    const all = [current];
    let inFence = false;
    for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
      if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
      const h1 = !inFence && /^\s*#\s+(.*?)\s*#*\s*$/.exec(line);
      if (h1 && title === null && all.length === 1 && !current.body.some((l) => l.trim())) {
        title = headingText(h1[1]!) || null;
        continue;
      }
      const h2 = !inFence && /^\s*##\s+(.*?)\s*#*\s*$/.exec(line);
      if (h2) {
        current = { h2: h2[1]!, body: [] };
        all.push(current);
        continue;
      }
      current.body.push(line);
    }
    for (const s of all) parts.push({ h2: s.h2, body: s.body.join('\n') });
  }
  const sections = parts
    .map((p) => articleSection(p.h2, p.body))
    .filter((s, i) => i > 0 || s.html.replace(/<[^>]*>/g, '').trim());
  // A lead that is only a line of prose to the reader ("Here is your article:") is not part of it.
  if (sections[0] && !sections[0].h2 && sections.length > 1 && /^<p>[^<]{0,80}:\s*<\/p>$/.test(sections[0].html))
    sections.shift();
  if (!sections.some((s) => s.html.replace(/<[^>]*>/g, '').trim() || s.h2)) return null;
  return { title, sections };
}
