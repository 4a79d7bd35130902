/**
 * Publisher rows of the IGNY8 site, read from the API's own type (the typed client over AppType):
 * deployments of a site's blueprints and the publishing calendar.
 */
import type { api, DataOf, RowOf } from './client';

type Publisher = typeof api.api.v1.publisher;

/** One deployment: its version, kind, status, size, and where to preview it. */
export type Deployment = RowOf<Publisher['deployments']['$get']>;
export type DeploymentStatus = Deployment['status'];

/** GET /calendar/: scheduled, published and failed articles of a window, per destination. */
export type Calendar = DataOf<Publisher['calendar']['$get']>;
export type CalendarItem = Calendar['items'][number];
