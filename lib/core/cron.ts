/**
 * Reading a Kubernetes CronJob schedule: validation, and the longest and shortest gap between two runs, so
 * alert thresholds and deadlines can be derived from the schedule instead of being restated by hand.
 *
 * Covers the syntax the CronJob controller accepts: five fields with numbers, names (`jan`, `mon`), `*`,
 * `?`, ranges, steps and lists, and the `@yearly` ... `@hourly` macros. As in the controller, when both
 * day-of-month and day-of-week are restricted a day matches either of them.
 */
import { show } from './errors';

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed schedule: the values each field allows. */
interface Schedule {
  readonly minutes: number[];
  readonly hours: number[];
  readonly days: Set<number>;
  readonly months: Set<number>;
  readonly weekdays: Set<number>;
  readonly dayRestricted: boolean;
  readonly weekdayRestricted: boolean;
}

function parseValue(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) {
    return named + (field.name === 'month' ? 1 : 0);
  }
  if (!/^\d+$/.test(text)) {
    throw new Error(`${field.name} "${text}" is not a number`);
  }
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new Error(`${field.name} ${value} is outside ${field.min}-${field.max}`);
  }
  return value;
}

function parseField(text: string, field: Field): { values: Set<number>; restricted: boolean } {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === '' || stepText === '') {
      throw new Error(`${field.name} "${part}" is not a value, range or step`);
    }
    const step = stepText === undefined ? 1 : parseValue(stepText, { ...field, min: 1, max: field.max + 1, names: undefined });
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      [low, high] = [field.min, field.max];
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [low, high] = [parseValue(a, field), parseValue(b, field)];
      if (low > high) {
        throw new Error(`${field.name} range "${range}" runs backwards`);
      }
    } else {
      low = parseValue(range, field);
      high = stepText === undefined ? low : field.max;
    }
    for (let v = low; v <= high; v += step) {
      values.add(field.name === 'day-of-week' && v === 7 ? 0 : v);
    }
  }
  return { values, restricted: !(text === '*' || text === '?') };
}

function parse(expression: string): Schedule {
  const text = MACROS[expression.trim()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    throw new Error('must have five fields (minute hour day-of-month month day-of-week) or be a macro such as @daily');
  }
  const fields = parts.map((p, i) => parseField(p, FIELDS[i]));
  return {
    minutes: [...fields[0].values].sort((a, b) => a - b),
    hours: [...fields[1].values].sort((a, b) => a - b),
    days: fields[2].values,
    months: fields[3].values,
    weekdays: fields[4].values,
    dayRestricted: fields[2].restricted,
    weekdayRestricted: fields[4].restricted,
  };
}

/**
 * Checks a schedule; returns the problem, or `undefined` when the CronJob controller would accept it and
 * it runs at least once a year.
 */
export function checkCronSchedule(expression: unknown): string | undefined {
  if (typeof expression !== 'string') {
    return `must be a cron expression, got ${show(expression)}`;
  }
  try {
    cronGaps(expression);
    return undefined;
  } catch (error) {
    return `${(error as Error).message}, got ${show(expression)}`;
  }
}

/** Days simulated: a leap year and the year after it, so yearly schedules and 29 February are covered. */
const SIMULATED_DAYS = 731;
const START = Date.UTC(2024, 0, 1);

/**
 * The longest and shortest time between two consecutive runs, in seconds, over two years of runs (in UTC:
 * a daylight saving change in the CronJob's time zone can stretch one gap by an hour).
 *
 * @throws Error when the expression is invalid or never runs
 */
export function cronGaps(expression: string): { maxSeconds: number; minSeconds: number } {
  let gaps = simulated.get(expression);
  if (gaps === undefined) {
    gaps = simulate(expression);
    simulated.set(expression, gaps);
  }
  if (gaps instanceof Error) {
    throw new Error(gaps.message);
  }
  return { ...gaps };
}

/**
 * Gaps (or the error) by expression. Simulating two years of a frequent schedule is the slow part of
 * validating a configuration, and one process checks the same few schedules many times.
 */
const simulated = new Map<string, { maxSeconds: number; minSeconds: number } | Error>();

function simulate(expression: string): { maxSeconds: number; minSeconds: number } | Error {
  try {
    return simulateRuns(expression);
  } catch (error) {
    return error as Error;
  }
}

function simulateRuns(expression: string): { maxSeconds: number; minSeconds: number } {
  const schedule = parse(expression);
  const runs: number[] = [];
  for (let d = 0; d < SIMULATED_DAYS; d++) {
    const date = new Date(START + d * 86_400_000);
    if (!schedule.months.has(date.getUTCMonth() + 1)) {
      continue;
    }
    const dayMatch = schedule.days.has(date.getUTCDate());
    const weekdayMatch = schedule.weekdays.has(date.getUTCDay());
    // Both restricted: either field may match. Otherwise the unrestricted one always does, so both must.
    const needed = schedule.dayRestricted && schedule.weekdayRestricted ? 1 : 2;
    if (Number(dayMatch) + Number(weekdayMatch) < needed) {
      continue;
    }
    for (const h of schedule.hours) {
      for (const m of schedule.minutes) {
        runs.push(d * 1440 + h * 60 + m);
      }
    }
  }
  if (runs.length < 2) {
    throw new Error('never runs, or runs less than once a year');
  }
  let max = 0;
  let min = Number.MAX_SAFE_INTEGER;
  for (let i = 1; i < runs.length; i++) {
    max = Math.max(max, runs[i] - runs[i - 1]);
    min = Math.min(min, runs[i] - runs[i - 1]);
  }
  return { maxSeconds: max * 60, minSeconds: min * 60 };
}
