/**
 * The month the publishing calendar shows: its weeks (Monday first, padded with the days of the
 * neighbouring months) and the window asked of the calendar endpoint, in the browser's time zone.
 */
export interface MonthDay {
  /** Local date as YYYY-MM-DD: the key items are grouped by. */
  key: string;
  date: Date;
  inMonth: boolean;
}

export const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The weeks of the month of `year`/`month` (0-based), each seven days. */
export function monthGrid(year: number, month: number): MonthDay[][] {
  const first = new Date(year, month, 1);
  const start = new Date(year, month, 1 - ((first.getDay() + 6) % 7));
  const weeks: MonthDay[][] = [];
  for (let cursor = start; weeks.length < 6; ) {
    const week: MonthDay[] = [];
    for (let i = 0; i < 7; i++) {
      week.push({ key: dayKey(cursor), date: cursor, inMonth: cursor.getMonth() === month });
      cursor = new Date(cursor.getFullYear(), cursor.getMonth(), cursor.getDate() + 1);
    }
    weeks.push(week);
    if (cursor.getMonth() !== month) break;
  }
  return weeks;
}

/** The month as instants: local midnight of its first day to that of the next month's. */
export function monthWindow(year: number, month: number): { from: string; to: string } {
  return { from: new Date(year, month, 1).toISOString(), to: new Date(year, month + 1, 1).toISOString() };
}
