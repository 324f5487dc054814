const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isMissing = (value) => value === '' || value === null || value === undefined;

export function inferType(values) {
  const present = values.filter((v) => !isMissing(v)).map(String);
  if (present.length === 0) return 'string';
  if (present.every((v) => NUMBER.test(v))) return 'number';
  if (present.every((v) => /^(true|false)$/i.test(v))) return 'boolean';
  if (present.every((v) => DATE.test(v))) return 'date';
  return 'string';
}

export function coerceValue(value, type) {
  if (isMissing(value)) return null;
  if (type === 'number') return Number(value);
  if (type === 'boolean') return String(value).toLowerCase() === 'true';
  return String(value);
}

export function schemaOf(records) {
  const columns = [];
  for (const record of records) {
    for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
  }
  return Object.fromEntries(columns.map((c) => [c, inferType(records.map((r) => r[c]))]));
}

export function coerceRecords(records) {
  const schema = schemaOf(records);
  return records.map((record) =>
    Object.fromEntries(Object.entries(schema).map(([column, type]) => [column, coerceValue(record[column], type)])),
  );
}
