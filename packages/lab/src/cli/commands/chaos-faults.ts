import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FaultSpecError } from '@llm-teams/runtime';
import { loadFaultFile, parseFaultFileText } from '../../faults/fault-file.js';
import type { FaultPlan } from '../../faults/fault-kinds.js';
import { parseFaultEntry } from '../../faults/fault-plan.js';
import type { PlanContext } from '../../faults/fault-refs.js';
import { teamRoster } from '../../faults/team-roster.js';
import type { RunSpec } from '../../run/run-spec.js';
import { UsageError } from '../cli-context.js';

const usage = (flag: string, err: unknown): never => {
  if (err instanceof FaultSpecError) {
    const { problems } = err;
    throw new UsageError(
      problems.length === 1
        ? `${flag}: ${problems[0]}`
        : `${flag}: ${problems.length} problems:\n  ${problems.join('\n  ')}`,
    );
  }
  throw err;
};

/**
 * `run --faults FILE`: the fault file, validated against the team the run will start (its
 * actors, the broker nodes it controls, the hosts behind its wire proxy), before anything
 * starts.
 */
export async function loadRunFaults(
  file: string,
  cwd: string,
  spec: Pick<RunSpec, 'arch' | 'agents'>,
  where: Pick<PlanContext, 'brokerNodes' | 'wire' | 'hosts'> = {},
): Promise<FaultPlan> {
  try {
    return await loadFaultFile(resolve(cwd, file), {
      roster: teamRoster({ arch: spec.arch, agents: spec.agents }),
      brokerNodes: where.brokerNodes ?? [],
      wire: where.wire ?? { hosts: new Map(), servers: [] },
      ...(where.hosts ? { hosts: where.hosts } : {}),
    });
  } catch (err) {
    return usage('--faults', err);
  }
}

/**
 * `chaos add` arguments: each a JSON fault (`{"kind":"drop",...}`), a JSON list of them, or a
 * fault file. Checked for everything but the team's actors, which the serving process checks.
 */
export async function readChaosFaults(items: readonly string[], cwd: string): Promise<unknown[]> {
  const faults: unknown[] = [];
  for (const item of items) {
    const text = item.trim();
    let value: unknown;
    try {
      if (text.startsWith('{') || text.startsWith('[')) value = JSON.parse(text);
      else {
        const file = resolve(cwd, item);
        const content = await readFile(file, 'utf8').catch((err: Error) => {
          throw new FaultSpecError([
            `${item} is neither a JSON fault nor a readable file (${err.message})`,
          ]);
        });
        value = parseFaultFileText(content, file);
      }
    } catch (err) {
      if (err instanceof SyntaxError)
        usage('<faults>', new FaultSpecError([`${item}: not JSON: ${err.message}`]));
      usage('<faults>', err);
    }
    const list = Array.isArray(value)
      ? value
      : typeof value === 'object' && value !== null && 'faults' in value
        ? value.faults
        : [value];
    if (!Array.isArray(list))
      usage('<faults>', new FaultSpecError([`${item}: "faults" must be a list`]));
    faults.push(...(list as unknown[]));
  }
  const problems: string[] = [];
  faults.forEach((f, i) => {
    try {
      parseFaultEntry(f, {}, `faults[${i}]`, i);
    } catch (err) {
      if (err instanceof FaultSpecError) problems.push(...err.problems);
      else throw err;
    }
  });
  if (problems.length > 0) usage('<faults>', new FaultSpecError(problems));
  return faults;
}
