/**
 * How generate_content reads a model's reply: the contract's JSON (through the one tolerant
 * reader, core/ai/reader.ts), or, when the model wrote the article as a document instead (Markdown,
 * plain text or HTML, maybe fenced, maybe after a line of prose), that document split at its H2s.
 * It does not guess: a refusal, a cut-off or empty reply, and JSON that is an article with a bad
 * section stay failures; a line or two of prose is not an article.
 */
import { textArticle, type TextArticle } from './article-body';
import { normalizeContentReply } from './normalize-reply';
import { readReply, type ReadResult, type ReplyEnvelope } from './reader';

/** The value parse() gets for an article written as a document (not JSON). */
export class DocumentArticle {
  constructor(readonly article: TextArticle) {}
}

/** Words a headingless document needs to count as an article rather than a remark. */
export const MIN_HEADINGLESS_WORDS = 40;

const NO_ARTICLE = 'no article in the reply';

const words = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .split(/\s+/)
    .filter(Boolean).length;

export function readArticleReply(reply: string | ReplyEnvelope): ReadResult {
  const env: ReplyEnvelope = typeof reply === 'string' ? { content: reply } : reply;
  const read = readReply(env);
  // JSON that is an article (good or not) is the contract: its own parse decides.
  if (read.ok) {
    const n = normalizeContentReply(read.value);
    if (n.ok || n.reason !== NO_ARTICLE) return read;
  }
  if (!read.ok && (read.kind === 'refusal' || read.kind === 'empty' || env.finishReason === 'length')) return read;
  if (env.toolArguments && env.toolArguments.trim()) return read;
  const text = (env.content ?? '').replace(/^[\uFEFF\u200B-\u200D\u2060\s]+/, '');
  // JSON that never closed is a cut-off reply, not a document.
  if (/^(?:`{3,}[\w-]*\s*)?[[{]/.test(text)) return read;
  // Prose that is not an article: say so in the function's terms, not as missing JSON.
  const notAnArticle = (): ReadResult =>
    read.ok || read.kind === 'not_json' ? { ok: false, kind: 'not_json', reason: NO_ARTICLE } : read;
  const article = textArticle(text);
  if (!article) return notAnArticle();
  const headed = article.title !== null || article.sections.some((s) => s.h2);
  if (!headed && article.sections.reduce((n, s) => n + words(s.html), 0) < MIN_HEADINGLESS_WORDS) return notAnArticle();
  return { ok: true, value: new DocumentArticle(article), repairs: ['document'] };
}
