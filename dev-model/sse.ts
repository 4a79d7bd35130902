/**
 * Server-sent events for streamed chat completions: the reply is split into small deltas (a few
 * characters to a few words) sent with a small delay, then a finish chunk, an optional usage
 * chunk and `data: [DONE]`.
 */
import type { ServerResponse } from 'node:http';
import { mulberry32, hash32 } from './text.ts';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface StreamPlan {
  id: string;
  created: number;
  model: string;
  content: string | null;
  refusal: string | null;
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** Streamed as a tool call's arguments (after the content, if any). */
  toolArguments?: string | null;
  usage: Usage;
  includeUsage: boolean;
  delayMs: number;
  /** Stop after this many content deltas and destroy the socket (the 'disconnect' fault). */
  cutAfter?: number;
  /** After this many content deltas send nothing more for `stallMs`, then drop the socket (the 'stall' fault). */
  stallAfter?: number;
  stallMs?: number;
  signal: AbortSignal;
}

/** At most this many deltas per reply: long replies get bigger deltas so they still stream quickly. */
const MAX_DELTAS = 160;

/**
 * Splits text into deterministic pieces of 2–16 characters (scaled up for long texts), never inside a
 * surrogate pair.
 */
export function splitForStream(text: string): string[] {
  const chars = Array.from(text);
  const scale = Math.max(1, Math.ceil(chars.length / (MAX_DELTAS * 9)));
  const rng = mulberry32(hash32(text));
  const out: string[] = [];
  for (let i = 0; i < chars.length; ) {
    let n = (2 + Math.floor(rng() * 15)) * scale;
    // Prefer to end a piece just after a space when one is near (word-ish deltas).
    const sp = chars.slice(i + 1, i + n + 4).lastIndexOf(' ');
    if (sp >= 0 && sp + 2 >= n / 2) n = sp + 2;
    out.push(chars.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    t.unref?.();
    signal?.addEventListener('abort', done, { once: true });
  });
}

function write(res: ServerResponse, data: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  const ok = res.write(`data: ${data}\n\n`);
  if (ok) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function streamCompletion(res: ServerResponse, plan: StreamPlan): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': plan.id,
  });
  res.flushHeaders();
  const base = {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    system_fingerprint: 'fp_igny8_dev',
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(plan.includeUsage ? { usage: null } : {}),
    });

  const first: Record<string, unknown> = {
    role: 'assistant',
    content: plan.refusal !== null ? null : '',
    refusal: null,
  };
  await write(res, chunk(first, null));
  const pieces = splitForStream(plan.refusal ?? plan.content ?? '');
  const field = plan.refusal !== null ? 'refusal' : 'content';
  for (const [i, piece] of pieces.entries()) {
    if (plan.signal.aborted || res.destroyed) return;
    if (plan.cutAfter !== undefined && i >= plan.cutAfter) {
      res.destroy();
      return;
    }
    if (plan.stallAfter !== undefined && i >= plan.stallAfter) {
      await sleep(plan.stallMs ?? 60_000, plan.signal);
      res.destroy();
      return;
    }
    await sleep(plan.delayMs, plan.signal);
    if (plan.signal.aborted || res.destroyed) return;
    await write(res, chunk({ [field]: piece }, null));
  }
  if (plan.cutAfter !== undefined) {
    res.destroy();
    return;
  }
  if (plan.toolArguments != null) {
    await write(
      res,
      chunk(
        {
          tool_calls: [
            {
              index: 0,
              id: `call_${plan.id.slice(-12)}`,
              type: 'function',
              function: { name: 'reply', arguments: '' },
            },
          ],
        },
        null,
      ),
    );
    for (const piece of splitForStream(plan.toolArguments)) {
      if (plan.signal.aborted || res.destroyed) return;
      await sleep(plan.delayMs, plan.signal);
      await write(res, chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
    }
  }
  await write(res, chunk({}, plan.finishReason));
  if (plan.includeUsage) await write(res, JSON.stringify({ ...base, choices: [], usage: plan.usage }));
  await write(res, '[DONE]');
  res.end();
}
