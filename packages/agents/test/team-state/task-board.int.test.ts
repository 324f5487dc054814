import { describe, expect, it } from 'vitest';
import { createTaskBoard } from '@llm-teams/agents';
import { useFreshTeams } from '../support/fresh-teams.js';

describe('the task board', () => {
  const freshTeam = useFreshTeams('board');

  it("writes its initial tasks at once but in their order: task i gets revision i in every run (a controlled run's trace shows the revisions)", async () => {
    const kv = await (await freshTeam()).bucket('board');
    const ids = ['f', 'a', 'e', 'b', 'd', 'c'];
    await createTaskBoard(kv).init(
      ids.map((id) => ({ id, title: id, spec: '', files: [], deps: [], reference: {}, tests: {} })),
    );
    const board = createTaskBoard(kv);
    expect(await Promise.all(ids.map(async (id) => (await board.get(id))?.rev))).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });
});
