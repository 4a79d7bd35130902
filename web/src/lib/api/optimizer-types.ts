/** Optimizer rows as the API sends them, read from the API's own type (the typed client over AppType). */
import type { api, DataOf, RowOf } from './client';

type Optimizer = typeof api.api.v1.optimizer;

/** One article of the Optimizer page: its latest score (null until first scored) and top issues. */
export type ScoreRow = RowOf<Optimizer['scores']['$get']>;

/** One point of an article's score history. */
export type ScorePoint = DataOf<Optimizer['scores'][':contentId']['history']['$get']>[number];
