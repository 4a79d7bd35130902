import type { Env } from '../env';
import type { AccountExportMessage } from './messages';

/** Builds one account export (issue 14, item 8). Placeholder. */
export async function buildAccountExport(_env: Env, _event: AccountExportMessage) {}
