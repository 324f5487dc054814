import { describe, expect, it } from 'vitest';
import { memberModels } from '../../src/team/team-run-options.js';

describe('heterogeneous teams', () => {
  const workers = ['a1', 'a2', 'a3'];
  const coordinators = ['coord1', 'coord2'];

  it('a member id beats its role, a role beats the team model; only differences are listed', () => {
    expect(
      memberModels(
        { workers: 'sim:gpt-5.2', a2: 'sim:claude-sonnet-4-6', coordinators: 'openai:gpt-5' },
        workers,
        coordinators,
        'sim:claude-sonnet-4-6',
      ),
    ).toEqual({
      a1: 'sim:gpt-5.2',
      a3: 'sim:gpt-5.2',
      coord1: 'openai:gpt-5',
      coord2: 'openai:gpt-5',
    });
    expect(memberModels(undefined, workers, coordinators, 'sim:gpt-5.2')).toEqual({});
  });

  it('a key that names no member or role is an error naming it', () => {
    expect(() => memberModels({ a9: 'sim:gpt-5.2' }, workers, coordinators, 'sim:x')).toThrow(
      /models names "a9", which is neither a member \(a1, a2, a3, coord1, coord2\) nor a role/,
    );
  });
});
