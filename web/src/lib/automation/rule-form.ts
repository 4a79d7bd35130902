/**
 * The rule editor's state: a rule (or a new one) as the form holds it, and back to the API's
 * bodies. Caps are typed as text so an empty field means "no cap" (null) rather than 0.
 */
import { AUTOMATION_STAGES, type AutomationEvent, type AutomationTrigger } from '$core/domain/enums';
import { type RuleConfig, ruleConfig, type UpdateRuleBody } from '$core/validation/automation';
import type { RuleView } from './api';

type CapName = keyof RuleConfig['caps'];
export const CAP_FIELDS: { name: CapName; label: string; hint: string }[] = [
  { name: 'articles_per_day', label: 'Articles a day', hint: 'Counted over this rule’s runs today, in its zone.' },
  { name: 'images_per_day', label: 'Images a day', hint: 'Counted over this rule’s runs today.' },
  { name: 'credits_per_run', label: 'Credits a run', hint: 'A stage starts no more work past this.' },
  { name: 'credits_per_day', label: 'Credits a day', hint: 'Over this rule’s runs today.' },
];

export interface RuleForm {
  name: string;
  description: string;
  sector_id: string;
  trigger: AutomationTrigger;
  schedule: string;
  timezone: string;
  event_type: AutomationEvent;
  is_active: boolean;
  config: Omit<RuleConfig, 'caps' | 'min_optimizer_score'>;
  caps: Record<CapName, string>;
  min_optimizer_score: string;
}

const textOf = (n: number | null) => (n === null ? '' : String(n));
const numberOf = (s: string) => (s.trim() === '' ? null : Number(s));

export function formOf(rule: RuleView | null, timezone: string): RuleForm {
  const config = rule ? ruleConfig.parse(rule.config) : ruleConfig.parse({});
  const { caps, min_optimizer_score, ...rest } = config;
  return {
    name: rule?.name ?? '',
    description: rule?.description ?? '',
    sector_id: rule?.sector_id ? String(rule.sector_id) : '',
    trigger: rule?.trigger ?? 'schedule',
    schedule: rule?.schedule ?? '0 7 * * 1-5',
    timezone: rule?.timezone ?? timezone,
    event_type: rule?.event_type ?? 'keywords.imported',
    is_active: rule?.is_active ?? true,
    config: structuredClone(rest),
    caps: {
      articles_per_day: textOf(caps.articles_per_day),
      images_per_day: textOf(caps.images_per_day),
      credits_per_run: textOf(caps.credits_per_run),
      credits_per_day: textOf(caps.credits_per_day),
    },
    min_optimizer_score: textOf(min_optimizer_score),
  };
}

/** The config the API validates (ruleConfig), from the form. */
export function configOf(form: RuleForm): RuleConfig {
  const stages = AUTOMATION_STAGES.filter((s) => form.config.stages.includes(s));
  return {
    ...form.config,
    stages,
    caps: {
      articles_per_day: numberOf(form.caps.articles_per_day),
      images_per_day: numberOf(form.caps.images_per_day),
      credits_per_run: numberOf(form.caps.credits_per_run),
      credits_per_day: numberOf(form.caps.credits_per_day),
    },
    min_optimizer_score: numberOf(form.min_optimizer_score),
  };
}

/** The fields shared by create and update. */
export function bodyOf(form: RuleForm): Omit<UpdateRuleBody, 'version'> & Required<Pick<UpdateRuleBody, 'trigger'>> {
  return {
    name: form.name.trim(),
    description: form.description,
    sector_id: form.sector_id ? Number(form.sector_id) : null,
    trigger: form.trigger,
    schedule: form.trigger === 'schedule' ? form.schedule.trim() : null,
    timezone: form.timezone,
    event_type: form.trigger === 'event' ? form.event_type : null,
    is_active: form.is_active,
    config: configOf(form),
  };
}

/** The client-side check of the config (the same schema as the API): the first problem per field. */
export function configProblems(form: RuleForm): Record<string, string> {
  const parsed = ruleConfig.safeParse(configOf(form));
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.');
    problems[key] ??= issue.message;
  }
  return problems;
}
