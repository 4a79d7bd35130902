/**
 * A small, tolerant HTML tokenizer: Workers have no DOM (no DOMParser), and the sanitizer and the
 * draft converter need to read HTML written by AI models and editors. It never throws: anything it
 * cannot read as markup is text. Tag and attribute names are lowercased; attribute values come
 * decoded; text comes both decoded (`text`) and as written (`raw`).
 */
import { decodeEntities } from './entities';

export type HtmlToken =
  | { kind: 'open'; tag: string; attrs: Record<string, string>; selfClosing: boolean }
  | { kind: 'close'; tag: string }
  | { kind: 'text'; text: string; raw: string };

/** Elements whose content is raw text up to their end tag (markup inside is not markup). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

// Sticky (`y`) patterns read at a position without copying the rest of the input.
const TAG_NAME = /[A-Za-z][A-Za-z0-9:-]*/y;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>][^\s>]*)))?/y;

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

export function tokenize(html: string): HtmlToken[] {
  const out: HtmlToken[] = [];
  let i = 0;
  let textStart = 0;
  const flushText = (end: number) => {
    if (end <= textStart) return;
    const raw = html.slice(textStart, end);
    out.push({ kind: 'text', text: decodeEntities(raw), raw });
  };

  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html[lt + 1];
    if (next === '!' || next === '?') {
      // Comment, doctype, CDATA (a bogus comment in HTML content) or processing instruction: skipped.
      flushText(lt);
      const end = html.startsWith('<!--', lt) ? closeOf(html, '-->', lt + 4) : closeOf(html, '>', lt + 2);
      i = textStart = end;
      continue;
    }
    if (next === '/') {
      const name = matchAt(TAG_NAME, html, lt + 2);
      if (!name) {
        i = lt + 1; // "</ " or "</>": left as text
        continue;
      }
      flushText(lt);
      const end = closeOf(html, '>', lt + 2 + name[0].length);
      out.push({ kind: 'close', tag: name[0].toLowerCase() });
      i = textStart = end;
      continue;
    }
    const name = matchAt(TAG_NAME, html, lt + 1);
    if (!name) {
      i = lt + 1; // a lone "<" (e.g. "a < b") is text
      continue;
    }
    flushText(lt);
    const tag = name[0].toLowerCase();
    const parsed = readAttributes(html, lt + 1 + name[0].length);
    // A tag cut off by the end of the input is dropped, as browsers do.
    if (!parsed.terminated) return out;
    out.push({ kind: 'open', tag, attrs: parsed.attrs, selfClosing: parsed.selfClosing });
    i = textStart = parsed.end;
    if (RAW_TEXT.has(tag) && !parsed.selfClosing) {
      const endTag = new RegExp(`</${tag}`, 'gi');
      endTag.lastIndex = i;
      const close = endTag.exec(html)?.index ?? -1;
      const stop = close < 0 ? html.length : close;
      if (stop > i) {
        const raw = html.slice(i, stop);
        out.push({ kind: 'text', text: tag === 'textarea' || tag === 'title' ? decodeEntities(raw) : raw, raw });
      }
      out.push({ kind: 'close', tag });
      i = textStart = close < 0 ? html.length : closeOf(html, '>', close + 2 + tag.length);
    }
  }
  flushText(html.length);
  return out;
}

/** The index after `needle` (searching from `from`), or the end of the input when it never comes. */
function closeOf(html: string, needle: string, from: number): number {
  const at = html.indexOf(needle, from);
  return at < 0 ? html.length : at + needle.length;
}

function readAttributes(html: string, from: number) {
  const attrs: Record<string, string> = {};
  let i = from;
  for (;;) {
    while (i < html.length && /[\s/]/.test(html[i]!)) {
      if (html[i] === '/' && html[i + 1] === '>') return { attrs, selfClosing: true, end: i + 2, terminated: true };
      i++;
    }
    if (i >= html.length) return { attrs, selfClosing: false, end: html.length, terminated: false };
    if (html[i] === '>') return { attrs, selfClosing: false, end: i + 1, terminated: true };
    const m = matchAt(ATTRIBUTE, html, i);
    if (!m) {
      i++; // a stray "=" or quote: skipped (the tag is re-serialized, so nothing leaks)
      continue;
    }
    const key = m[1]!.toLowerCase();
    // The first occurrence wins, as in browsers.
    if (!(key in attrs)) attrs[key] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
    i += m[0].length;
  }
}
