import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Field name → messages, as the seed's DRF clients expect under `errors`. */
export type FieldErrors = Record<string, string[]>;

/**
 * Every failure a route reports is thrown as an ApiError; `onError` (worker/http/on-error.ts)
 * turns it into the envelope `{success:false, error, errors?, request_id}` in one place.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly code: string,
    readonly errors?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export class ValidationError extends ApiError {
  constructor(errors: FieldErrors, message = 'Invalid input: see errors for each field.') {
    super(400, message, 'validation_error', errors);
  }
}

export class BadRequest extends ApiError {
  constructor(message: string, code = 'bad_request', errors?: FieldErrors) {
    super(400, message, code, errors);
  }
}

export class Unauthorized extends ApiError {
  constructor(message = 'Authentication required.', code = 'not_authenticated') {
    super(401, message, code, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class InsufficientCredits extends ApiError {
  constructor(message: string) {
    super(402, message, 'insufficient_credits');
  }
}

export class Forbidden extends ApiError {
  constructor(message = 'You do not have permission to do this.', code = 'permission_denied') {
    super(403, message, code);
  }
}

/** Also what a foreign id gets: another tenant's row is indistinguishable from no row. */
export class NotFound extends ApiError {
  constructor(what = 'Resource') {
    super(404, `${what} not found.`, 'not_found');
  }
}

export class Conflict extends ApiError {
  constructor(message: string, code = 'conflict', errors?: FieldErrors) {
    super(409, message, code, errors);
  }
}

export class PayloadTooLarge extends ApiError {
  constructor(limitBytes: number) {
    super(413, `Request body is larger than the limit of ${limitBytes} bytes.`, 'payload_too_large');
  }
}

export class TooManyRequests extends ApiError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, message, 'throttled', undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** A plan limit (sites, users) or a domain limit (5 active sectors) that the request would pass. */
export class LimitReached extends ApiError {
  constructor(message: string, field: string) {
    super(400, message, 'limit_reached', { [field]: [message] });
  }
}
