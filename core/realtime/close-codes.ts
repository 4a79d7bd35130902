/**
 * Close codes the live sockets (site channel and draft room) use, shared by the Durable Objects
 * that close and the web clients that explain. 4000–4999 is the range RFC 6455 leaves to
 * applications; the last three digits echo the HTTP status they correspond to.
 */
export const CLOSE_SESSION_EXPIRED = 4401;
/** The user was disabled or removed, the account suspended, or the site's grant revoked. */
export const CLOSE_ACCESS_REVOKED = 4403;
/** The user's role changed: reconnecting (with a fresh ticket) opens the socket the new role allows. */
export const CLOSE_ACCESS_CHANGED = 4409;
/** The article was deleted: its draft is gone (storage erased), there is nothing to reconnect to. */
export const CLOSE_DOCUMENT_DELETED = 4410;
/** A draft refused a change that would grow it past MAX_DRAFT_BYTES. */
export const CLOSE_DOCUMENT_TOO_LARGE = 4413;
/** More than MAX_MESSAGES_PER_SECOND from one socket. */
export const CLOSE_RATE_LIMITED = 4429;
/** A user already has MAX_SOCKETS_PER_USER sockets open on this room. */
export const CLOSE_TOO_MANY_SOCKETS = 4430;

/** What the web clients show for a close code; null: an ordinary drop (reconnect quietly). */
export function closeMessage(code: number): string | null {
  switch (code) {
    case CLOSE_SESSION_EXPIRED:
      return 'Your session expired — reconnecting…';
    case CLOSE_ACCESS_REVOKED:
      return 'Your access to this site was removed.';
    case CLOSE_ACCESS_CHANGED:
      return 'Your role changed — reconnecting…';
    case CLOSE_DOCUMENT_DELETED:
      return 'This article was deleted.';
    case CLOSE_DOCUMENT_TOO_LARGE:
      return (
        'This draft reached its size limit: your last change was not saved. ' +
        'Shorten the draft (deletions still save), then reload.'
      );
    case CLOSE_RATE_LIMITED:
      return 'Too many changes at once — reconnecting…';
    case CLOSE_TOO_MANY_SOCKETS:
      return 'This draft is open in too many tabs: close some and reload.';
    default:
      return null;
  }
}

/** Codes after which reconnecting (with a fresh ticket) is pointless until the user acts. */
export const FINAL_CLOSE_CODES: readonly number[] = [
  CLOSE_ACCESS_REVOKED,
  CLOSE_DOCUMENT_DELETED,
  CLOSE_DOCUMENT_TOO_LARGE,
  CLOSE_TOO_MANY_SOCKETS,
];
