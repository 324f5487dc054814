/**
 * The commands a markdown page shows, for tests that hold docs to what the CLI does: every
 * line of a fenced block (an output block, ```text, is not commands; `# comments` cut) and
 * every inline code span that starts a command (unless `inline: false`), from the command on
 * (`npx ` dropped).
 */
export function docCommands(markdown: string, options: { inline?: boolean } = {}): string[] {
  const inline = options.inline ?? true;
  const out: string[] = [];
  const from = (text: string) => {
    const m = /(?:^|[\s`])(?:npx )?((?:llm-teams|npm run) [a-z].*)$/.exec(text);
    if (m) out.push(m[1]!.replace(/\s+#\s.*$/, '').trim());
  };
  markdown.split(/^```/m).forEach((part, i) => {
    if (i % 2 === 0) {
      if (!inline) return;
      for (const span of part.replace(/\n/g, ' ').matchAll(/`([^`]+)`/g)) from(span[1]!);
    } else if (!/^(text|console|json|yaml|ts|typescript|js)\b/.test(part)) {
      for (const line of part.split('\n').slice(1)) if (!/^\s*#/.test(line)) from(line);
    }
  });
  return out;
}

/** A usage line rather than a command to run as written: it has placeholders (`<file>`,
 *  `[--json]`, `URL`, a bare capital such as `T`, `...`). */
export function isSynopsis(command: string): boolean {
  return /[<[]|\.\.\.|(^|\s)(URL|[A-Z])(\s|$)/.test(command);
}
