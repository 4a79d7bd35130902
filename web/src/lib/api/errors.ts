import type { ApiFailure, FieldErrors } from '$core/api/envelope';

/**
 * A failed API call, carrying the envelope's `error`, `code` and per-field `errors` so forms can
 * show each message under its field and pages can react to codes such as `limit_reached`.
 */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldErrors;
  readonly requestId: string | undefined;

  constructor(
    status: number,
    failure: Pick<ApiFailure, 'error' | 'code'> & Partial<Pick<ApiFailure, 'errors' | 'request_id'>>,
  ) {
    super(failure.error);
    this.status = status;
    this.code = failure.code;
    this.errors = failure.errors ?? {};
    this.requestId = failure.request_id;
  }
}

/** The fetch itself failed (offline, server down): no envelope to read. */
export function networkError(): ApiRequestError {
  return new ApiRequestError(0, {
    error: 'Could not reach the server. Check your connection and try again.',
    code: 'network_error',
  });
}

/** A message for any thrown value, for places that only show one line. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
