/**
 * The Integration calls of the web app (issue 13): a site's connections (WordPress), their health,
 * syncs, history and the drift list, through the typed client over the worker's routes (the access
 * token, the one shared refresh, the envelope read by `read`/`data`). Row types come from the routes.
 */
import { api, type DataOf, data, param, type Query, read, type RowOf } from '$lib/api/client';

const integrations = api.api.v1.integration.integrations;
const one = integrations[':id'];
const drift = api.api.v1.integration.drift;
const id = (value: number) => ({ id: param(value) });

export type IntegrationView = RowOf<typeof integrations.$get>;
export type HealthReport = DataOf<typeof one.health.$post>;
export type IntegrationEventRow = RowOf<typeof one.history.$get>;
/** An article edited in WordPress after we published it (content_title: its title here). */
export type DriftRow = RowOf<typeof drift.$get>;

export interface ConnectBody {
  site_id: number;
  url: string;
  username: string;
  app_password: string;
  sync_enabled: boolean;
}

export const integration = {
  list: (siteId: number) => read(integrations.$get({ query: { site_id: siteId } })),
  get: (integrationId: number) => data(one.$get({ param: id(integrationId) })),
  connect: (json: ConnectBody) => data(integrations.$post({ json: { ...json, platform: 'wordpress' } })),
  /** Test Connection: who the application password belongs to (recorded in the history). */
  test: (integrationId: number) => data(one.test.$post({ param: id(integrationId) })),
  checkHealth: (integrationId: number) => data(one.health.$post({ param: id(integrationId) })),
  /** 202: the sync job (a coordinator job with progress, no credits). */
  sync: (integrationId: number) => data(one.sync.$post({ param: id(integrationId), json: {} })),
  history: (integrationId: number, query: Query) =>
    read(one.history.$get({ param: id(integrationId), query: query as never })),
  /** The new secret, shown once; the envelope's message says whether the companion plugin took it. */
  rotateSecret: (integrationId: number) => read(one.webhook_secret.$post({ param: id(integrationId) })),

  drift: (siteId: number, query: Query = {}) =>
    read(drift.$get({ query: { site_id: siteId, status: 'open', ...query } as never })),
  pullDrift: (driftId: number) => data(drift[':id'].pull.$post({ param: id(driftId), json: {} })),
  dismissDrift: (driftId: number) => data(drift[':id'].dismiss.$post({ param: id(driftId), json: {} })),
};
