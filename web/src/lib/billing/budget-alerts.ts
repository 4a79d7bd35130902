/** Budget alerts as the web app shows them: the banner's text and which ones this browser dismissed. */
export interface ActiveAlert {
  period: 'day' | 'month';
  period_key: string;
  threshold: number;
  limit_credits: number;
  used_credits: number;
}

const DISMISSED = 'igny8.budget-alerts.dismissed';

/** One alert per period and threshold: dismissing 80 % today still shows 100 % (or tomorrow's 80 %). */
export const alertId = (a: ActiveAlert) => `${a.period_key}@${a.threshold}`;

export function alertText(a: ActiveAlert) {
  const span = a.period === 'day' ? 'today' : 'this month';
  return `${a.used_credits} of ${a.limit_credits} credits used ${span} — past your ${a.threshold}% budget alert.`;
}

export function dismissedAlerts(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(DISMISSED) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

export function dismissAlert(a: ActiveAlert) {
  // Only the last few are kept: old periods' ids never come back.
  const ids = [...dismissedAlerts(), alertId(a)].slice(-20);
  try {
    localStorage.setItem(DISMISSED, JSON.stringify(ids));
  } catch {
    // Private mode without storage: the banner just comes back on the next load.
  }
}
