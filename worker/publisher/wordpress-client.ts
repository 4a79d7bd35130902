/**
 * The WordPress REST client moved to worker/integration/ (issue 13): the connection lives in the site's
 * integration now, and the integration module builds clients from it, so the client sits below both the
 * publisher and the integration (publisher → integration, never back: no folder cycle).
 */
export * from '../integration/wordpress-client';
