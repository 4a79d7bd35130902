/** The seven stages of a run, by name: the runner (worker/automation/run-hooks.ts) steps them in order. */
import type { AutomationStage } from '../../../core/domain/enums';
import { clustering } from './clustering';
import { content } from './content';
import { imagePrompts } from './image-prompts';
import { images } from './images';
import { ideas } from './ideas';
import { publish } from './publish';
import { tasks } from './tasks';
import type { Stage } from './types';

export const STAGES: Record<AutomationStage, Stage> = {
  clustering,
  ideas,
  tasks,
  content,
  image_prompts: imagePrompts,
  images,
  publish,
};

export { approveArticles } from './publish';
export type { RunRecord, Stage, StageContext, StageStep } from './types';
