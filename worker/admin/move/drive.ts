import type { Env } from '../../env';
import type { AccountMoveMessage } from './messages';

/** Drives one account move to its next step (issue 14, item 7). Placeholder. */
export async function driveAccountMove(_env: Env, _event: AccountMoveMessage) {}
