import { describe, expect, it } from 'vitest';
import { bodyOf, configProblems, formOf } from './rule-form';
import { triggerWords } from './words';

describe('the rule form', () => {
  it('starts a new rule on a weekday schedule in the browser’s zone, holding articles for review', () => {
    const form = formOf(null, 'Europe/Berlin');
    expect(form.timezone).toBe('Europe/Berlin');
    expect(form.config.publish_mode).toBe('review');
    expect(form.config.stages).toHaveLength(7);
    expect(bodyOf({ ...form, name: ' Weekdays ' })).toMatchObject({
      name: 'Weekdays',
      trigger: 'schedule',
      schedule: '0 7 * * 1-5',
      event_type: null,
      sector_id: null,
    });
  });

  it('sends an empty cap as no cap and a filled one as a number', () => {
    const form = formOf(null, 'UTC');
    form.caps = { articles_per_day: '6', images_per_day: '', credits_per_run: ' ', credits_per_day: '400' };
    const { config } = bodyOf(form);
    expect(config?.caps).toEqual({
      articles_per_day: 6,
      images_per_day: null,
      credits_per_run: null,
      credits_per_day: 400,
    });
  });

  it('keeps stages in pipeline order and refuses a gap between them', () => {
    const form = formOf(null, 'UTC');
    form.config.stages = ['content', 'clustering', 'ideas', 'tasks'];
    expect(bodyOf(form).config?.stages).toEqual(['clustering', 'ideas', 'tasks', 'content']);
    expect(configProblems(form)).toEqual({});
    form.config.stages = ['clustering', 'content'];
    expect(configProblems(form).stages).toMatch(/consecutive/);
  });

  it('drops the schedule of an event rule and the event of a scheduled one', () => {
    const form = { ...formOf(null, 'UTC'), trigger: 'event' as const };
    expect(bodyOf(form)).toMatchObject({ schedule: null, event_type: 'keywords.imported' });
    expect(triggerWords({ ...bodyOf(form), timezone: 'UTC', schedule: null, event_type: 'keywords.imported' })).toBe(
      'When keywords are imported',
    );
  });

  it('says a schedule in words with its zone', () => {
    expect(
      triggerWords({
        trigger: 'schedule',
        schedule: '0 7 * * 1-5',
        schedule_words: 'At 07:00 AM, Monday through Friday',
        timezone: 'Europe/Berlin',
        event_type: null,
      }),
    ).toBe('At 07:00 AM, Monday through Friday (Europe/Berlin)');
  });
});
