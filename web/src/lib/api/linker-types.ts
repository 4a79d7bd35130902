/** Linker rows as the API sends them, read from the API's own type (the typed client over AppType). */
import type { api, DataOf } from './client';

type Linker = typeof api.api.v1.linker;

/** One internal link suggestion of an article: pending, accepted, rejected or stale. */
export type LinkSuggestion = DataOf<Linker['suggestions']['$get']>[number];
export type SuggestionStatus = LinkSuggestion['status'];

/** A site's link report: live pages, orphans, broken links and the cluster hub↔spoke matrix. */
export type LinkReport = DataOf<Linker['report']['$get']>;
export type ReportPage = LinkReport['orphans'][number];
export type BrokenLink = LinkReport['broken'][number];
export type ClusterLinks = LinkReport['clusters'][number];

/** A site's linking settings (defaults until saved). */
export type LinkerSettings = DataOf<Linker['settings']['$get']>;

/** POST /linker/process/: the batch-linking job that was queued. */
export type LinkJobStarted = DataOf<Linker['process']['$post']>;
