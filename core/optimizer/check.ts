/** Building a check result: points rounded once, the light following the share earned. */
import type { Category, Check, CheckId, Light, Where } from './types';

const MAX_PLACES = 20;
export const round1 = (x: number) => Math.round(x * 10) / 10;

export type CheckSpec = {
  id: CheckId;
  category: Category;
  max: number;
  /** Share of `max` earned, 0–1. */
  share: number;
  message: string;
  places?: readonly Where[];
  subject?: string | null;
  /** When the share alone would tell the wrong light (e.g. a skipped check earning full points). */
  light?: Light;
};

export function check(spec: CheckSpec): Check {
  const share = Math.min(1, Math.max(0, spec.share));
  const places = (spec.places ?? []).slice(0, MAX_PLACES);
  return {
    id: spec.id,
    category: spec.category,
    subject: spec.subject ?? null,
    light: spec.light ?? (share >= 1 ? 'green' : share <= 0 ? 'red' : 'amber'),
    points: Math.min(spec.max, round1(spec.max * share)),
    max: spec.max,
    message: spec.message,
    where: places[0] ?? null,
    places,
  };
}

/** "a", "a and b", "a, b and c" (the messages name things, not counts, where they can). */
export function listOf(names: readonly string[], limit = 3): string {
  const shown = names.slice(0, limit).map((n) => `“${n}”`);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : (shown[0] ?? '');
}
