/**
 * The Linker (issue 11, scope item 5): one pure, versioned module that the draft room, the browser
 * and the site coordinator's batch linking run alike. No I/O: the caller passes the site inventory.
 *
 *   prominentTerms(blocks, meta)            → the page's stemmed, weighted terms (stored in the inventory)
 *   suggestLinks({ source, inventory, settings }) → outbound suggestions within the hard rules
 *   linkCandidates(input)                   → several places per target: what an AI pass may choose among
 *   filterAiChoices(candidates, aiReply)    → the AI's choices that were offered, within the rules
 *   validateLinks(blocks, inventory, siteOrigin) → internal links, and the broken ones with their places
 *
 * Anchors are a textblock path + ProseMirror offsets (like the scorer's `Where`): the draft room
 * maps them to relative Yjs positions when it stores a suggestion. Keep the same inventory array
 * between calls: its search index is memoised on it.
 */
export { filterAiChoices } from './ai';
export {
  isLinkable,
  LINKER_VERSION,
  type LinkCandidates,
  linkCandidates,
  linkCap,
  pickFree,
  type SuggestInput,
  suggestLinks,
} from './suggest';
export { DEFAULT_TERM_COUNT, prominentTerms } from './terms';
export type * from './types';
export { pageKey, urlKey } from './urls';
export { validateLinks } from './validate';
