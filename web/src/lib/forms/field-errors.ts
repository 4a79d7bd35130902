import type { FieldErrors } from '$core/api/envelope';
import type { z } from 'zod';

/**
 * A zod failure as the API's `errors` object (same keys as worker/http/validate.ts): nested
 * paths joined with dots, whole-object issues under `non_field_errors`. Client-side validation
 * runs the same core/validation schema the API runs, so the messages match.
 */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'non_field_errors';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Validates with a shared schema: the parsed value, or the field errors to show. */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrorsOf(result.error) };
}

/** Errors for a field, including those for its items (`site_ids.0`). */
export function errorsFor(errors: FieldErrors, field: string): string[] {
  return Object.entries(errors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, messages]) => messages);
}
