import type { AnyToolHandler } from '../tools/tool-handler.js';
import type { MemberContext } from './team-definition.js';

/** Tools opened when a member is spawned (in whichever process hosts it), closed when it
 *  stops or its team closes: an MCP server's (`mcpTools`). */
export type ToolSource = (
  ctx: MemberContext,
) => Promise<{ tools: AnyToolHandler[]; close?: () => Promise<void> }>;

/** A tool that works outside the team, each call a step of its own under a schedule
 *  (`ctx.external`); the team's own tools work through the board and workspace, whose
 *  operations are steps already. */
export function externalStep(tool: AnyToolHandler, ctx: MemberContext): AnyToolHandler {
  if (!tool.external) return tool;
  const what = `tool.${tool.definition.name}`;
  return { ...tool, run: (args, toolCtx) => ctx.external(what, () => tool.run(args, toolCtx)) };
}
