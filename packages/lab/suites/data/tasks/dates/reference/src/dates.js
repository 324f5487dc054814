const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function parseDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: '${text}'`);
  const [year, month, day] = match.slice(1).map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > lengths[month - 1]) throw new RangeError(`no such day: '${text}'`);
  return { year, month, day };
}

export function toDays(text) {
  const { year, month, day } = parseDate(text);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

export function fromDays(days) {
  const date = new Date(days * DAY_MS);
  const pad = (n, width) => String(n).padStart(width, '0');
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

export function addDays(text, n) {
  return fromDays(toDays(text) + n);
}

export function daysBetween(a, b) {
  return toDays(b) - toDays(a);
}

export function weekday(text) {
  return WEEKDAYS[new Date(toDays(text) * DAY_MS).getUTCDay()];
}

export function monthKey(text) {
  parseDate(text);
  return text.slice(0, 7);
}

export function dateRange(start, end, stepDays = 1) {
  if (!Number.isInteger(stepDays) || stepDays <= 0) throw new RangeError(`stepDays must be a positive integer, got ${stepDays}`);
  const out = [];
  for (let d = toDays(start); d <= toDays(end); d += stepDays) out.push(fromDays(d));
  return out;
}
