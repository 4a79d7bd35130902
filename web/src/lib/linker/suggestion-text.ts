/** Words the Links tab and the Linker page use for suggestions, links and reports. */
import type { BadgeTone } from '$lib/components/Badge.svelte';
import type { LinkSuggestion, SuggestionStatus } from '$lib/api/linker-types';

export const SUGGESTION_STATUS: Record<SuggestionStatus, { text: string; tone: BadgeTone; hint: string }> = {
  pending: { text: 'Suggested', tone: 'info', hint: 'Waiting for a decision.' },
  accepted: { text: 'Linked', tone: 'success', hint: 'The link is in the draft.' },
  rejected: { text: 'Rejected', tone: 'neutral', hint: 'Not suggested again.' },
  stale: {
    tone: 'warning',
    text: 'Stale',
    hint: 'Its words changed, or the page it pointed to is no longer live: the link was not added.',
  },
};

/** Why a link is broken, said for people (core/linker validateLinks' reasons). */
export const BROKEN_REASON: Record<string, string> = {
  missing: 'No such page on this site',
  unpublished: 'The page is not published',
};

/** A target address is shown as a link only when it is a full http(s) URL (a site path is not this app's). */
export function externalHref(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

/** What accepting answered, as a toast. */
export function acceptedText(row: Pick<LinkSuggestion, 'status' | 'anchor_text' | 'target_title'>): string {
  if (row.status === 'accepted') return `Linked “${row.anchor_text}” to ${row.target_title || 'the page'}.`;
  if (row.status === 'stale') return `Not linked: ${SUGGESTION_STATUS.stale.hint}`;
  return `This suggestion was already ${SUGGESTION_STATUS[row.status].text.toLowerCase()}.`;
}
