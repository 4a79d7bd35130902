/**
 * The global catalogues (industries with their sector templates): they change only with a
 * deploy, so one request per page load is enough.
 */
import { data, publicApi } from './api/client';
import type { Industry } from './api/types';

let industries: Promise<Industry[]> | null = null;

export function loadIndustries(): Promise<Industry[]> {
  industries ??= data(publicApi.api.v1.auth.industries.$get()).catch((err) => {
    industries = null; // try again next time
    throw err;
  });
  return industries;
}
