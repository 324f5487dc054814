import { describe, expect, it } from 'vitest';
import { docCommands, docSteps, isSynopsis } from '../src/index.js';

const page = [
  'Run `llm-teams run --suite tiny` first.',
  '```sh',
  '# a comment line',
  'npx llm-teams chaos add \'{"kind":"drop","to":"a2"}\' --team t1   # exit 1',
  'llm-teams explore --schedules 4   # the real team',
  'llm-teams node --nats URL --team T',
  'npm run bench:grid',
  '```',
  '```text',
  'llm-teams run --this-is-output',
  '```',
].join('\n');

describe('docSteps', () => {
  it("gives each runnable llm-teams line of a page's code blocks, in order, split as a shell splits it", () => {
    expect(docSteps(page).map((s) => s.args)).toEqual([
      ['chaos', 'add', '{"kind":"drop","to":"a2"}', '--team', 't1'],
      ['explore', '--schedules', '4'],
    ]);
  });

  it('takes the exit code from a trailing `# exit N`, 0 when the line says none', () => {
    expect(docSteps(page).map((s) => s.exit)).toEqual([1, 0]);
  });

  it('leaves out synopses, output blocks, inline spans and other commands', () => {
    const lines = docSteps(page).map((s) => s.line);
    expect(lines.join('\n')).not.toMatch(/URL|this-is-output|bench|--suite tiny/);
  });
});

describe('docCommands', () => {
  it('gives inline spans and block lines in page order, comments cut, output blocks left out', () => {
    expect(docCommands(page)).toEqual([
      'llm-teams run --suite tiny',
      'llm-teams chaos add \'{"kind":"drop","to":"a2"}\' --team t1',
      'llm-teams explore --schedules 4',
      'llm-teams node --nats URL --team T',
      'npm run bench:grid',
    ]);
    expect(docCommands(page, { inline: false })[0]).toMatch(/^llm-teams chaos/);
  });
});

describe('isSynopsis', () => {
  it('takes placeholders in capitals, angle brackets, options in brackets and ellipses as a usage line', () => {
    for (const line of [
      'llm-teams run --faults FILE',
      'llm-teams chaos list --team T',
      'llm-teams up --dir <dir>',
      'llm-teams view [--json]',
      'llm-teams sweep --jobs 0 ...',
    ])
      expect(isSynopsis(line), line).toBe(true);
  });

  it('takes a command with concrete values as one to run', () => {
    expect(isSynopsis('llm-teams run --suite tiny --model sim:gpt-5.2 --seed 7')).toBe(false);
  });
});
