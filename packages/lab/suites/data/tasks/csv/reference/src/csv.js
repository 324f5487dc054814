/** Splits the text into records of raw fields, tracking the line each record starts on. */
function tokenize(text, delimiter) {
  const records = [];
  let record = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let fieldStarted = false;
  const endField = () => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === '')) records.push({ fields: record, line: recordLine });
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && !fieldStarted && field === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError(`unterminated quoted field starting on line ${start}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] === '\n') line++;
        field += text[i++];
      }
      fieldStarted = true;
    } else if (ch === delimiter) {
      endField();
      i++;
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += ch === '\r' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (field !== '' || fieldStarted || record.length > 0) endRecord();
  return records;
}

export function parseCsv(text, { delimiter = ',', header = true } = {}) {
  const records = tokenize(text, delimiter);
  if (!header) return records.map((r) => r.fields);
  if (records.length === 0) return [];
  const [head, ...body] = records;
  const columns = head.fields;
  return body.map(({ fields, line }) => {
    if (fields.length > columns.length) {
      throw new SyntaxError(`line ${line} has ${fields.length} fields, the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((name, i) => [name, fields[i] ?? '']));
  });
}
