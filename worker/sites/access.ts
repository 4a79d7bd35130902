/**
 * Site-level access moved to the platform (worker/http/site-access.ts) so the scoped-resource
 * helper can use it without importing a feature; features keep importing it from here.
 */
export { requireSite, requireSiteOf, siteScope, type AccessMode } from '../http/site-access';
