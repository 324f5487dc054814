/**
 * Map-reduce research over local documents: each document is a task on the team's board;
 * two mappers claim documents (compare-and-set on the board), read one with a tool of the
 * team's own and write their notes to the shared workspace; once every task is done, the
 * reducer reads all the notes and writes the report, and ends the run with it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtinTools, defineTeam, defineTool, llmAgent, z } from '@llm-teams/agents';

const QUESTION = 'How do these systems stop an old leader from acting after a new one took over?';
const DOCUMENTS = ['raft', 'paxos', 'chubby', 'zab'];

/** Reads a document next to team.ts (`docs/<name>.md`). */
const readDocument = defineTool({
  name: 'read_document',
  description: 'Read one of the source documents by name.',
  input: z.object({ name: z.enum(DOCUMENTS as [string, ...string[]]) }).strict(),
  run: async ({ name }) => readFile(join(import.meta.dirname, 'docs', `${name}.md`), 'utf8'),
});

const mapper = llmAgent({
  role: 'mapper',
  system: 'You take notes on one document at a time, for a question, in the shared workspace.',
  tools: [readDocument, ...builtinTools(['write_file'])],
  onTask: (task) =>
    `Summarize document ${task.id} for the question: ${QUESTION}\n` +
    `Read it with read_document, then write your notes to notes/${task.id}.md.`,
});

const reducer = llmAgent({
  role: 'reducer',
  system: 'You write a short report from your teammates’ notes.',
  tools: builtinTools(['read_file', 'write_file']),
  onBoardDone: (tasks) =>
    `All notes are in: ${tasks.map((t) => `notes/${t.id}.md`).join(', ')}.\n` +
    `Read them and write report.md answering: ${QUESTION}`,
  done: ({ text }) => ({
    to: 'director',
    type: 'team.done',
    body: { result: { report: 'report.md', summary: text } },
  }),
});

export default defineTeam({
  name: 'research',
  description: 'map-reduce over local documents: mappers claim documents, a reducer reports',
  model: 'script:./research.yaml',
  members: { m1: mapper, m2: mapper, reducer },
  board: { tasks: DOCUMENTS.map((id) => ({ id, title: id })) },
});
