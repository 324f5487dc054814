import { describe, expect, it } from 'vitest';
import { argv } from '@llm-teams/testkit';

describe('argv: a command line as one types it', () => {
  it('splits the written text at white space, line breaks included', () => {
    expect(argv`run --suite tiny
      --p 0.5  --seed 1`).toEqual(['run', '--suite', 'tiny', '--p', '0.5', '--seed', '1']);
  });

  it('keeps a value one argument, spaces and all', () => {
    const out = '/a dir/run';
    expect(argv`run --out ${out} --seed ${3}`).toEqual(['run', '--out', out, '--seed', '3']);
  });

  it('joins a value to the written text it touches', () => {
    const cassette = 'c.jsonl';
    expect(argv`run --model replay:${cassette} --x ${'a'}${'b'}-c`).toEqual([
      'run',
      '--model',
      'replay:c.jsonl',
      '--x',
      'ab-c',
    ]);
  });

  it('gives an empty value as an empty argument', () => {
    expect(argv`run --note ${''} --seed 1`).toEqual(['run', '--note', '', '--seed', '1']);
  });
});
