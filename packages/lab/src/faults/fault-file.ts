import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FaultSpecError } from '@llm-teams/runtime';
import type { FaultPlan } from './fault-kinds.js';
import type { PlanContext } from './fault-refs.js';
import { parseFaultPlan } from './fault-plan.js';

/** Reads fault file text: JSON (`.json`) or YAML (anything else; JSON is YAML too). */
export function parseFaultFileText(text: string, file = 'faults'): unknown {
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new FaultSpecError([
      `${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    ]);
  }
}

/**
 * Loads and validates a fault file against the team it will run on (docs/faults.md). Throws
 * `FaultSpecError` listing every problem, before anything starts.
 */
export async function loadFaultFile(file: string, context: PlanContext): Promise<FaultPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new FaultSpecError([`${file}: cannot read it: ${(err as Error).message}`]);
  }
  return parseFaultPlan(parseFaultFileText(text, file), context);
}
