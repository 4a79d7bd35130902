/**
 * The most credits one run of a rule can use, before it starts: a run the balance can't cover is
 * refused up front (402) with a message naming the cap to lower. Worst case with the seed's costs
 * (DESIGN.md §5): clustering 1 per 30 keywords (at least 1) per job, ideas 1 per idea, content 3 per
 * article, images 1 per image; image prompts and tasks are free. Then the rule's caps bound it.
 */
import type { AutomationStage } from '../domain/enums';
import type { RuleConfig } from '../validation/automation';
import { remainingToday } from './caps';

/** Seed costs; the AI functions charge the same (worker/planner/ai, worker/writer/ai; a worker spec checks). */
export const COSTS = { keywords_per_clustering_credit: 30, per_idea: 1, per_article: 3, per_image: 1 } as const;
/** generate_ideas holds (and may make) up to this many ideas per cluster (MAX_IDEAS_PER_CLUSTER). */
export const MAX_IDEAS_PER_CLUSTER = 7;
/** generate_image_prompts asks for the featured image and up to 4 in-article images per article. */
export const MAX_IMAGES_PER_ARTICLE = 1 + 4;

export type EstimateLimit = 'articles_per_day' | 'images_per_day' | 'credits_per_day' | 'credits_per_run';

export interface RunEstimate {
  /** Items entering the run's first stage. */
  input: number;
  clustering: number;
  ideas: number;
  content: number;
  images: number;
  total: number;
  /** Articles and images the run may make at most (after the daily caps). */
  articles: number;
  image_count: number;
  /** The cap that bounded the total last (null: only the input did). */
  limited_by: EstimateLimit | null;
}

export interface EstimateInput {
  /**
   * Items entering the run's first enabled stage: keywords for clustering, clusters for ideas,
   * ideas for tasks, tasks for content, articles for image prompts, image rows for images.
   */
  keywords: number;
  /** What the rule's runs already used today (its zone): daily caps count it. */
  usedToday?: { articles?: number; images?: number; credits?: number };
}

export function estimateRun(config: RuleConfig, { keywords, usedToday = {} }: EstimateInput): RunEstimate {
  const on = (s: AutomationStage) => config.stages.includes(s);
  const first = config.stages[0] ?? 'clustering';
  const wanted = Math.max(0, Math.floor(keywords));
  // A run takes at most keywords_per_run keywords into clustering.
  const input = first === 'clustering' ? Math.min(wanted, config.batches.keywords_per_run) : wanted;
  let limited_by: EstimateLimit | null = null;

  // Fan-out, worst case: every keyword its own cluster, every cluster the most ideas, every idea a task.
  let clustering = 0;
  let items = input;
  if (on('clustering')) {
    const perCall = config.batches.keywords_per_call;
    const full = Math.floor(items / perCall);
    const rest = items % perCall;
    const perJob = (n: number) => Math.max(1, Math.ceil(n / COSTS.keywords_per_clustering_credit));
    clustering = items > 0 ? full * perJob(perCall) + (rest ? perJob(rest) : 0) : 0;
  }
  let ideas = 0;
  if (on('ideas')) {
    items *= MAX_IDEAS_PER_CLUSTER;
    ideas = items * COSTS.per_idea;
  }
  // tasks: one per idea, free.
  let articles = first === 'image_prompts' ? input : first === 'images' ? 0 : items;
  let content = 0;
  if (on('content')) {
    const room = remainingToday(config.caps.articles_per_day, usedToday.articles ?? 0);
    if (articles > room) [articles, limited_by] = [room, 'articles_per_day'];
    content = articles * COSTS.per_article;
  } else if (!on('image_prompts') && !on('images')) {
    articles = 0;
  }
  let image_count = 0;
  let images = 0;
  if (on('images')) {
    image_count = first === 'images' ? input : articles * (config.images === 'featured' ? 1 : MAX_IMAGES_PER_ARTICLE);
    const room = remainingToday(config.caps.images_per_day, usedToday.images ?? 0);
    if (image_count > room) [image_count, limited_by] = [room, 'images_per_day'];
    images = image_count * COSTS.per_image;
  }

  let total = clustering + ideas + content + images;
  const dayRoom = remainingToday(config.caps.credits_per_day, usedToday.credits ?? 0);
  if (total > dayRoom) [total, limited_by] = [dayRoom, 'credits_per_day'];
  const runCap = config.caps.credits_per_run ?? Number.POSITIVE_INFINITY;
  if (total > runCap) [total, limited_by] = [runCap, 'credits_per_run'];
  return { input, clustering, ideas, content, images, total, articles, image_count, limited_by };
}

/**
 * Why a run can't start on this balance, naming what to lower: "This run can use up to 74 credits;
 * the balance is 40. Lower caps.articles_per_day or batches.keywords_per_run, or add credits."
 * Null when the balance covers the estimate.
 */
export function explainShortfall(estimate: RunEstimate, balance: number): string | null {
  if (balance >= estimate.total) return null;
  const levers: string[] = [];
  if (estimate.limited_by === 'credits_per_run' || estimate.limited_by === 'credits_per_day') {
    levers.push(`caps.${estimate.limited_by}`);
  } else {
    // Articles (and their images) first whenever the run makes any: the cap a user reaches for; then
    // the keywords a run takes, which every stage's count fans out from.
    if (estimate.content + estimate.images > 0) {
      levers.push('caps.articles_per_day');
      if (estimate.images > estimate.content) levers.push('caps.images_per_day');
    }
    levers.push('batches.keywords_per_run');
  }
  const which = levers.length > 1 ? `${levers.slice(0, -1).join(', ')} or ${levers.at(-1)}` : levers[0];
  return (
    `This run can use up to ${estimate.total} credits; the balance is ${balance}. ` + `Lower ${which}, or add credits.`
  );
}
