/**
 * The global catalogues (industries with their sector templates): they change only with a
 * deploy, so one request per page load is enough.
 */
import { api } from './api/client';
import { API } from './api/paths';
import type { Industry } from './api/types';

let industries: Promise<Industry[]> | null = null;

export function loadIndustries(): Promise<Industry[]> {
  industries ??= api.get<Industry[]>(API.industries, undefined, { auth: false }).catch((err) => {
    industries = null; // try again next time
    throw err;
  });
  return industries;
}
