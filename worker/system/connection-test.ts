import { ProviderError, type ProviderFailure } from '../lib/ai-provider';
import { ProviderNotConfigured } from '../../durable-objects/site-coordinator/engine/ports';

/**
 * What a failed Test Connection tells the user: a category and a sentence of ours. Never what the
 * remote answered: the address is the tenant's to choose, so its body could be anything (an
 * internal page behind a redirect, a page of HTML, a secret).
 */
export type ConnectionCategory =
  | 'address_not_allowed'
  | 'could_not_connect'
  | 'authentication_failed'
  | 'not_openai_compatible'
  | 'rate_limited'
  | 'provider_error'
  | 'not_configured';

const CATEGORY: Record<ProviderFailure, ConnectionCategory> = {
  url_not_allowed: 'address_not_allowed',
  network: 'could_not_connect',
  timeout: 'could_not_connect',
  auth: 'authentication_failed',
  rate_limited: 'rate_limited',
  server_error: 'provider_error',
  bad_request: 'not_openai_compatible',
  refusal: 'not_openai_compatible',
  truncated: 'not_openai_compatible',
  empty: 'not_openai_compatible',
  too_large: 'not_openai_compatible',
  unexpected_reply: 'not_openai_compatible',
};

export function connectionFailure(err: unknown, who: string): { category: ConnectionCategory; message: string } {
  if (err instanceof ProviderNotConfigured) return { category: 'not_configured', message: err.message };
  const kind: ProviderFailure = err instanceof ProviderError ? err.kind : 'network';
  const category = CATEGORY[kind];
  const status = err instanceof ProviderError && err.status ? ` (HTTP ${err.status})` : '';
  // The guard's reason is ours (which rule the address breaks), so it is safe to show.
  const guardReason = err instanceof Error ? err.message.replace(/^.*?not allowed: /, '') : '';
  const noAnswer = kind === 'timeout' ? ' (no answer in time)' : '';
  const messages: Record<ConnectionCategory, string> = {
    address_not_allowed: `Address not allowed: ${guardReason}`,
    could_not_connect: `Could not connect to ${who}${noAnswer}: check the base URL.`,
    authentication_failed: `Authentication failed: ${who} rejected the API key${status}.`,
    not_openai_compatible:
      kind === 'too_large'
        ? `Not an OpenAI-compatible API: the reply was too large.`
        : `Not an OpenAI-compatible API: ${who} did not answer like one${status}. Check the base URL.`,
    rate_limited: `${who[0]!.toUpperCase()}${who.slice(1)} is rate limiting this key: try again in a minute.`,
    provider_error: `${who[0]!.toUpperCase()}${who.slice(1)} failed${status}: try again later.`,
    not_configured: '',
  };
  return { category, message: messages[category] };
}
