/**
 * The optional AI pass: a model is shown the offered suggestions (`linkCandidates`) and replies with
 * the ones it prefers. Its reply is untrusted text: only an offered target id with one of that
 * target's offered spans survives, as the offered suggestion itself (so no URL, anchor or score of
 * the model's own gets through); then one link per target, no overlaps, the cap.
 */
import { type LinkCandidates, pickFree, samePath } from './suggest';
import type { LinkSuggestion } from './types';

type Choice = { targetId: unknown; url?: unknown; text?: unknown; path?: unknown; from?: unknown; to?: unknown };

function itemsOf(reply: unknown): unknown[] {
  if (typeof reply === 'string') {
    try {
      return itemsOf(JSON.parse(reply));
    } catch {
      return [];
    }
  }
  if (Array.isArray(reply)) return reply;
  if (reply && typeof reply === 'object')
    for (const key of ['links', 'choices', 'suggestions'])
      if (Array.isArray((reply as Record<string, unknown>)[key]))
        return (reply as Record<string, unknown[]>)[key] ?? [];
  return [];
}

function choiceOf(item: unknown): Choice | null {
  if (!item || typeof item !== 'object') return null;
  const o = item as Record<string, unknown>;
  const anchor = o.anchor && typeof o.anchor === 'object' ? (o.anchor as Record<string, unknown>) : {};
  const targetId = o.targetId ?? o.target_id ?? o.id;
  if (typeof targetId !== 'string') return null;
  return {
    targetId,
    url: o.url,
    text: anchor.text ?? (typeof o.anchor === 'string' ? o.anchor : o.text),
    path: anchor.path ?? o.path,
    from: anchor.from ?? o.from,
    to: anchor.to ?? o.to,
  };
}

const isPath = (x: unknown): x is number[] => Array.isArray(x) && x.every((n) => Number.isInteger(n));

/** Which offered suggestion the choice names, or null when it names anything not offered. */
function match(choice: Choice, offered: readonly LinkSuggestion[]): LinkSuggestion | null {
  const mine = offered.filter((s) => s.targetId === choice.targetId);
  if (!mine.length) return null;
  if (choice.url !== undefined && !mine.some((s) => s.url === choice.url)) return null;
  const spanGiven = choice.path !== undefined || choice.from !== undefined || choice.to !== undefined;
  if (spanGiven && !(isPath(choice.path) && Number.isInteger(choice.from) && Number.isInteger(choice.to))) return null;
  if (choice.text !== undefined && typeof choice.text !== 'string') return null;
  return (
    mine.find(
      (s) =>
        (!spanGiven ||
          (samePath(s.anchor.path, choice.path as number[]) &&
            s.anchor.from === choice.from &&
            s.anchor.to === choice.to)) &&
        (choice.text === undefined || s.anchor.text === choice.text),
    ) ?? null
  );
}

/** The offered suggestions the AI chose, in its order, within the rules; everything else dropped. */
export function filterAiChoices({ offered, cap }: LinkCandidates, aiReply: unknown): LinkSuggestion[] {
  const chosen: LinkSuggestion[] = [];
  for (const item of itemsOf(aiReply)) {
    const choice = choiceOf(item);
    const hit = choice && match(choice, offered);
    if (hit) chosen.push(hit);
  }
  return pickFree(chosen, cap);
}
