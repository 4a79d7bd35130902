/** A stable colour per user id, so a collaborator's caret and avatar keep their colour everywhere. */
// Tailwind's 700 shades: white initials on each keep WCAG AA contrast (4.5:1) for the avatars.
const PALETTE = ['#be123c', '#1d4ed8', '#15803d', '#b45309', '#6d28d9', '#0e7490', '#be185d', '#4d7c0f'];

export function userColour(userId: number): string {
  return PALETTE[Math.abs(userId) % PALETTE.length]!;
}

/** "Ada Lovelace" → "AL"; an email → its first letter. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  return parts.length === 1
    ? parts[0]!.slice(0, 1).toUpperCase()
    : (parts[0]![0]! + parts[parts.length - 1]![0]!).toUpperCase();
}

/** Words as a reader counts them: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
