/**
 * Tickets: short-lived, single-purpose credentials for the places a browser can't send the
 * Authorization header — a WebSocket's query string and the `/media` cookie. The access token
 * never travels there: a ticket leaked from a log or a proxy opens one kind of thing (one site's
 * channel, one draft, the media files) for a minute, not the whole API for 15.
 *
 * A ticket is a JWT signed with the same secret as access tokens but with its own `typ` and an
 * `aud` naming its purpose, so neither can be replayed as the other. It carries what the Durable
 * Objects need to keep checking a socket after it opened: the user, the account, the access
 * token's own expiry (`sxp`: the socket closes then) and the user's token version (`tv`).
 */
import type { MiddlewareHandler } from 'hono';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Role } from '../../core/domain/enums';
import type { AppEnv } from '../env';
import { ApiError, Unauthorized } from '../http/errors';
import { idParam, type IdParamName } from '../http/validate';

export const TICKET_PURPOSES = ['site_socket', 'draft_socket', 'media'] as const;
export type TicketPurpose = (typeof TICKET_PURPOSES)[number];

const TICKET_TYPE = 'ticket+jwt';
const ALGORITHM = 'HS256';
/** Time to open the socket with a socket ticket; the socket itself then lives until `sxp`. */
export const SOCKET_TICKET_TTL_SECONDS = 60;

type TokenConfig = { JWT_SECRET: string; JWT_ISSUER: string };

export interface TicketClaims {
  userId: number;
  accountId: number;
  role: Role;
  purpose: TicketPurpose;
  /** The site (site_socket) or content item (draft_socket) the ticket opens; null for media. */
  target: number | null;
  /** The access token's `exp` (seconds): what the ticket was issued under expires then. */
  sessionExp: number;
  tokenVersion: number;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signTicket(
  env: TokenConfig,
  claims: TicketClaims,
  now = Date.now(),
): Promise<{ ticket: string; expiresAt: Date }> {
  const iat = Math.floor(now / 1000);
  // A media ticket is the cookie: it lives as long as the access token. A socket ticket only has to
  // last until the upgrade.
  const exp =
    claims.purpose === 'media' ? claims.sessionExp : Math.min(iat + SOCKET_TICKET_TTL_SECONDS, claims.sessionExp);
  const ticket = await new SignJWT({
    acc: claims.accountId,
    role: claims.role,
    tgt: claims.target,
    sxp: claims.sessionExp,
    tv: claims.tokenVersion,
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: TICKET_TYPE })
    .setSubject(String(claims.userId))
    .setIssuer(env.JWT_ISSUER)
    .setAudience(claims.purpose)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(keyOf(env.JWT_SECRET));
  return { ticket, expiresAt: new Date(exp * 1000) };
}

export async function verifyTicket(env: TokenConfig, ticket: string, purpose: TicketPurpose): Promise<TicketClaims> {
  try {
    const { payload } = await jwtVerify(ticket, keyOf(env.JWT_SECRET), {
      algorithms: [ALGORITHM],
      issuer: env.JWT_ISSUER,
      audience: purpose,
      typ: TICKET_TYPE,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const claims: TicketClaims = {
      userId: Number(payload.sub),
      accountId: Number(payload.acc),
      role: payload.role as Role,
      purpose,
      target: payload.tgt === null || payload.tgt === undefined ? null : Number(payload.tgt),
      sessionExp: Number(payload.sxp),
      tokenVersion: Number(payload.tv),
    };
    if (![claims.userId, claims.accountId, claims.sessionExp, claims.tokenVersion].every(Number.isSafeInteger)) {
      throw new Unauthorized('Malformed ticket.', 'ticket_invalid');
    }
    return claims;
  } catch (err) {
    if (err instanceof Unauthorized) throw err;
    if (err instanceof joseErrors.JWTExpired)
      throw new Unauthorized('This ticket has expired: ask for a new one.', 'ticket_expired');
    throw new Unauthorized(`Not a valid ${purpose} ticket: get one from POST /api/v1/auth/tickets/.`, 'ticket_invalid');
  }
}

/** The verified ticket of a request (set by authenticateTicket). */
const ticketsOfRequests = new WeakMap<Request, TicketClaims>();
export function ticketOf(req: Request): TicketClaims {
  const claims = ticketsOfRequests.get(req);
  if (!claims) throw new Error('authenticateTicket did not run for this request');
  return claims;
}

/**
 * For WebSocket upgrades: `?ticket=` of this purpose, opening the id in route param `param`; then
 * 426 unless the request really is an upgrade. Sets `session` for tenantContext, which loads the
 * user as it is now (a user disabled since the ticket was issued is refused there).
 */
export function authenticateTicket(
  purpose: Exclude<TicketPurpose, 'media'>,
  param: IdParamName,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // An id that can't exist is a 404 on every route, before anything else is looked at.
    const target = idParam(c, param);
    const ticket = c.req.query('ticket');
    if (!ticket) throw new Unauthorized('Connect with ?ticket=<ticket> from POST /api/v1/auth/tickets/.');
    const claims = await verifyTicket(c.env, ticket, purpose);
    if (claims.target !== target)
      throw new Unauthorized(
        `This ticket opens another ${purpose === 'site_socket' ? 'site' : 'draft'}.`,
        'ticket_invalid',
      );
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket')
      throw new ApiError(426, 'Expected a WebSocket upgrade.', 'upgrade_required');
    ticketsOfRequests.set(c.req.raw, claims);
    c.set('session', {
      userId: claims.userId,
      accountId: claims.accountId,
      role: claims.role,
      tokenVersion: claims.tokenVersion,
    });
    await next();
  };
}

/** After tenantContext: the ticket was issued for the account the socket now acts on. */
export function assertTicketAccount(claims: TicketClaims, accountId: number) {
  if (claims.accountId !== accountId)
    throw new Unauthorized('This ticket was issued for another account.', 'ticket_invalid');
}
