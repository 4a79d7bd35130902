/**
 * Chat completions: which AI function a request asks for, where its input is, and the reply.
 *
 * - Function: `response_format.json_schema.name` ∈ FUNCTIONS, or a line `FUNCTION: <name>` in a
 *   system/developer message (for `response_format: {type:'json_object'}`). Otherwise the request
 *   is a plain chat and gets a short deterministic answer (as `{"message": …}` if JSON was asked for).
 * - Input: the LAST ```json fenced block in the last user message (falling back to the last
 *   fenced block that parses, then the whole message if it is JSON).
 */
import { autoCluster } from './functions/cluster.ts';
import { generateContent } from './functions/content.ts';
import { generateIdeas } from './functions/ideas.ts';
import { generateImagePrompts } from './functions/image-prompts.ts';
import { linkContent } from './functions/links.ts';
import { optimizeContent } from './functions/optimize.ts';
import { pageContent } from './functions/page-content.ts';
import { reparseContent } from './functions/reparse.ts';
import { siteStructure } from './functions/site-structure.ts';

export const FUNCTIONS = [
  'auto_cluster',
  'generate_ideas',
  'generate_content',
  'generate_image_prompts',
  'optimize_content',
  'link_content',
  'generate_site_structure',
  'generate_page_content',
  'reparse_content',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

const GENERATORS: Record<FunctionName, (input: unknown) => unknown> = {
  auto_cluster: autoCluster,
  generate_ideas: generateIdeas,
  generate_content: generateContent,
  generate_image_prompts: generateImagePrompts,
  optimize_content: optimizeContent,
  link_content: linkContent,
  generate_site_structure: siteStructure,
  generate_page_content: pageContent,
  reparse_content: reparseContent,
};

interface Message {
  role?: unknown;
  content?: unknown;
}

/** Text of a message whose content is a string or an array of parts. */
export function messageText(m: Message | undefined): string {
  if (!m) return '';
  const c = m.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return c
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('\n');
  }
  return '';
}

function matchFunction(name: string): FunctionName | null {
  const n = name.trim().toLowerCase();
  for (const f of FUNCTIONS) if (n === f) return f;
  // Tolerate decorated names such as "igny8_auto_cluster_reply".
  for (const f of FUNCTIONS) if (n.includes(f)) return f;
  return null;
}

export function detectFunction(body: Record<string, unknown>): FunctionName | null {
  const rf = body.response_format as { type?: unknown; json_schema?: { name?: unknown } } | undefined;
  if (rf && typeof rf === 'object' && rf.type === 'json_schema' && typeof rf.json_schema?.name === 'string') {
    const f = matchFunction(rf.json_schema.name);
    if (f) return f;
  }
  // A `FUNCTION: <name>` line in a system/developer message (meant for response_format json_object).
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  for (const m of messages) {
    if (m.role !== 'system' && m.role !== 'developer') continue;
    const hit = /^\s*FUNCTION:\s*([A-Za-z_][\w-]*)\s*$/im.exec(messageText(m));
    if (hit) {
      const f = matchFunction(hit[1]!);
      if (f) return f;
    }
  }
  return null;
}

function wantsJson(body: Record<string, unknown>): boolean {
  const rf = body.response_format as { type?: unknown } | undefined;
  return !!rf && typeof rf === 'object' && (rf.type === 'json_object' || rf.type === 'json_schema');
}

export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messageText(messages[i]);
  return '';
}

/** The input object: the last ```json block of the last user message. */
export function extractInput(text: string): unknown {
  const blocks: { lang: string; body: string }[] = [];
  const re = /```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push({ lang: m[1]!.toLowerCase(), body: m[2]! });
  const tryParse = (s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  const json = blocks.filter((b) => b.lang === 'json');
  for (let i = json.length - 1; i >= 0; i--) {
    const v = tryParse(json[i]!.body);
    if (v !== undefined) return v;
  }
  for (let i = blocks.length - 1; i >= 0; i--) {
    const v = tryParse(blocks[i]!.body);
    if (v !== undefined) return v;
  }
  const whole = tryParse(text.trim());
  if (whole !== undefined) return whole;
  return {};
}

export interface Reply {
  fn: FunctionName | null;
  /** The reply text before any fault is applied. */
  content: string;
  /** The parsed value for function replies (used by the repairable faults). */
  value: unknown;
}

export function generateReply(body: Record<string, unknown>, model: string): Reply {
  const fn = detectFunction(body);
  const userText = lastUserText(body);
  if (fn) {
    const value = GENERATORS[fn](extractInput(userText));
    return { fn, content: JSON.stringify(value), value };
  }
  const text = plainReply(userText, model);
  // JSON was asked for but no known function: still answer with JSON.
  if (wantsJson(body)) return { fn: null, content: JSON.stringify({ message: text }), value: { message: text } };
  return { fn: null, content: text, value: undefined };
}

/** "Reply with OK"-style connection tests get "OK"; anything else a short answer echoing the question. */
export function plainReply(userText: string, model: string): string {
  const t = userText.trim();
  if (
    /\b(reply|respond|answer|say|return|write)\b[^.\n]{0,40}?["'“]?\bOK\b/i.test(t) ||
    /^(ping|test|hello|hi)[.!?]*$/i.test(t)
  )
    return 'OK';
  if (!t) return 'Hello! This is the IGNY8 dev model. Send a message and I will answer.';
  const snippet = t.length > 160 ? `${t.slice(0, 157).trimEnd()}...` : t;
  return (
    `This is the IGNY8 dev model (${model}), a deterministic demo model. ` +
    `You said: "${snippet}" A real model would answer that in detail; this ` +
    `reply only confirms the request reached the model.`
  );
}

/** Prompt tokens ≈ characters of all messages / 4. */
export function promptTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  let chars = 0;
  for (const m of messages) chars += messageText(m).length + 4;
  return Math.max(1, Math.ceil(chars / 4));
}
