/**
 * The API envelope, shared by the worker (which writes it) and the web client (which reads it).
 * Success: `{success:true, data, message?, request_id}`. Lists: `{success:true, count, next,
 * previous, results, request_id}`. Errors: `{success:false, error, code, errors?, request_id}`.
 */
export type FieldErrors = Record<string, string[]>;

export interface ApiSuccess<T> {
  success: true;
  data: T;
  message?: string;
  request_id: string;
}

export interface ApiPage<T> {
  success: true;
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
  request_id: string;
}

export interface ApiFailure {
  success: false;
  error: string;
  /** Machine-readable reason, e.g. `validation_error`, `limit_reached`, `refresh_reuse_detected`. */
  code: string;
  errors?: FieldErrors;
  request_id: string;
}

export type ApiResponse<T> = ApiSuccess<T> | ApiFailure;

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 200;
