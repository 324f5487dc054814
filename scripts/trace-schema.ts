/**
 * Writes docs/trace.schema.json, the trace contract as JSON Schema, from the schema the
 * readers use (packages/runtime/src/trace-schema.ts): `npm run trace-schema` after changing it.
 * packages/runtime/test/trace-schema.test.ts fails while the file and the schema differ.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { traceJsonSchema } from '@llm-teams/runtime';

const file = fileURLToPath(new URL('../docs/trace.schema.json', import.meta.url));
writeFileSync(file, JSON.stringify(traceJsonSchema(), null, 2) + '\n');
console.log(`wrote ${file}`);
