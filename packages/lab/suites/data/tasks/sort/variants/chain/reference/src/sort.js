import { dropMissing } from './missing.js';

export function sortComplete(rows, keys) {
  const columns = keys.map((k) => (typeof k === 'string' ? k : k.column));
  return sortBy(dropMissing(rows, columns), keys);
}
