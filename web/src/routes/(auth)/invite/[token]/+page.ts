import { data, param, publicApi } from '$lib/api/client';
import { ApiRequestError, messageOf } from '$lib/api/errors';

/** Who the invite is for; an expired or used link is shown as such, not as a crash. */
export async function load({ params }) {
  try {
    return {
      token: params.token,
      invite: await data(publicApi.api.v1.auth.invite[':token'].$get({ param: { token: param(params.token) } })),
      error: null,
    };
  } catch (err) {
    const gone = err instanceof ApiRequestError && err.status === 404;
    return {
      token: params.token,
      invite: null,
      error: gone
        ? 'This invite link has expired or has already been used. Ask the person who invited you for a new link.'
        : messageOf(err),
    };
  }
}
