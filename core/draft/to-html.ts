/**
 * Draft → HTML: the projection written to the content row and published. It is the HTML the
 * sanitizer allows (core/html/sanitize.ts), compact where the HTML of AI replies is compact
 * (`<li>text</li>`, `<td>text</td>`; leading header rows in <thead>), so a section the AI wrote
 * comes back out as it went in.
 */
import type * as Y from 'yjs';
import { escapeAttribute, escapeText } from '../html/entities';
import { safeUrl, sanitizeHtml } from '../html/sanitize';
import { sameMark, sortMarks, type DraftBlock, type DraftInline, type DraftMark, type DraftTableRow } from './schema';
import { draftBlocks } from './yjs';

function openTag(mark: DraftMark): string {
  switch (mark.type) {
    case 'bold':
      return '<strong>';
    case 'italic':
      return '<em>';
    case 'code':
      return '<code>';
    case 'link': {
      // Editors can write any attribute into Yjs: the URL is checked here, not trusted.
      const href = safeUrl(mark.attrs.href, 'href');
      if (href === null) return '';
      // In the sanitizer's attribute order, so the projection reads the same after sanitizing.
      const newTab = mark.attrs.target === '_blank' ? ' rel="noopener noreferrer" target="_blank"' : '';
      return `<a href="${escapeAttribute(href)}"${newTab}>`;
    }
    default: {
      const unknown: never = mark;
      throw new Error(`Unknown mark ${JSON.stringify(unknown)}`);
    }
  }
}

function closeTag(mark: DraftMark): string {
  switch (mark.type) {
    case 'bold':
      return '</strong>';
    case 'italic':
      return '</em>';
    case 'code':
      return '</code>';
    case 'link':
      return safeUrl(mark.attrs.href, 'href') === null ? '' : '</a>';
    default: {
      const unknown: never = mark;
      throw new Error(`Unknown mark ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Inline content with marks kept open across neighbours that share them (as ProseMirror's
 * serializer does): `<a href=x><strong>a</strong>b</a>`, not two links.
 */
export function inlineToHtml(content: DraftInline[]): string {
  let out = '';
  const open: DraftMark[] = [];
  const closeFrom = (depth: number) => {
    while (open.length > depth) out += closeTag(open.pop()!);
  };
  for (const inline of content) {
    const marks = inline.type === 'text' ? sortMarks(inline.marks ?? []) : [];
    let keep = 0;
    while (keep < open.length && keep < marks.length && sameMark(open[keep]!, marks[keep]!)) keep++;
    closeFrom(keep);
    for (const mark of marks.slice(keep)) {
      out += openTag(mark);
      open.push(mark);
    }
    out += inline.type === 'text' ? escapeText(inline.text) : '<br>';
  }
  closeFrom(0);
  return out;
}

/**
 * A list item's or cell's content. Its leading paragraph is written bare when only lists follow it
 * (`<li>text<ul>…</ul></li>`), the way AI replies and most HTML write items; reading it back gives
 * the same blocks.
 */
function containerToHtml(blocks: DraftBlock[]): string {
  const [first, ...rest] = blocks;
  if (first?.type === 'paragraph' && rest.every((b) => b.type === 'bulletList' || b.type === 'orderedList')) {
    return inlineToHtml(first.content) + blocksToHtml(rest);
  }
  return blocksToHtml(blocks);
}

function tableToHtml(rows: DraftTableRow[]): string {
  const rowHtml = (row: DraftTableRow) =>
    `<tr>${row.content
      .map((cell) => {
        const tag = cell.type === 'tableHeader' ? 'th' : 'td';
        return `<${tag}>${containerToHtml(cell.content)}</${tag}>`;
      })
      .join('')}</tr>`;
  let head = 0;
  while (head < rows.length && rows[head]!.content.every((c) => c.type === 'tableHeader')) head++;
  if (head === rows.length) head = 0; // all header cells: keep them in the body
  const thead = head ? `<thead>${rows.slice(0, head).map(rowHtml).join('')}</thead>` : '';
  const tbody = rows.length > head ? `<tbody>${rows.slice(head).map(rowHtml).join('')}</tbody>` : '';
  return `<table>${thead}${tbody}</table>`;
}

export function blocksToHtml(blocks: DraftBlock[]): string {
  let out = '';
  for (const block of blocks) {
    switch (block.type) {
      case 'paragraph':
        out += `<p>${inlineToHtml(block.content)}</p>`;
        break;
      case 'heading': {
        const level = block.attrs.level;
        out += `<h${level}>${inlineToHtml(block.content)}</h${level}>`;
        break;
      }
      case 'bulletList':
      case 'orderedList': {
        const tag = block.type === 'bulletList' ? 'ul' : 'ol';
        out += `<${tag}>${block.content.map((item) => `<li>${containerToHtml(item.content)}</li>`).join('')}</${tag}>`;
        break;
      }
      case 'blockquote':
        out += `<blockquote>${blocksToHtml(block.content)}</blockquote>`;
        break;
      case 'codeBlock':
        out += `<pre><code>${escapeText(block.content.map((t) => t.text).join(''))}</code></pre>`;
        break;
      case 'horizontalRule':
        out += '<hr>';
        break;
      case 'image': {
        const src = safeUrl(block.attrs.src, 'src');
        if (src !== null) out += `<img src="${escapeAttribute(src)}" alt="${escapeAttribute(block.attrs.alt)}">`;
        break;
      }
      case 'table':
        out += tableToHtml(block.content);
        break;
      default: {
        const unknown: never = block;
        throw new Error(`Unknown block ${JSON.stringify(unknown)}`);
      }
    }
  }
  return out;
}

/**
 * The HTML projection of a draft: what is stored in the content row and published. Sanitized on
 * the way out as well (defence in depth: the document is written by every connected editor).
 */
export function draftToHtml(fragment: Y.XmlFragment): string {
  return sanitizeHtml(blocksToHtml(draftBlocks(fragment)));
}
