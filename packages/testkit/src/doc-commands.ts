/** A page in order: its prose, and its fenced blocks that hold commands (an output block,
 *  ```text and the like, holds none and is left out). A block's lines exclude the fence. */
interface PagePart {
  prose?: string;
  lines?: string[];
}

function pageParts(markdown: string): PagePart[] {
  return markdown.split(/^```/m).flatMap((part, i): PagePart[] => {
    if (i % 2 === 0) return [{ prose: part }];
    if (/^(text|console|json|yaml|ts|typescript|js)\b/.test(part)) return [];
    return [
      {
        lines: part
          .split('\n')
          .slice(1)
          .filter((line) => !/^\s*#/.test(line)),
      },
    ];
  });
}

/** The command a line or a code span starts, from the command on (`npx ` dropped). */
function commandIn(text: string): string | undefined {
  return /(?:^|[\s`])(?:npx )?((?:llm-teams|npm run) [a-z].*)$/.exec(text)?.[1];
}

/** A command cut of its trailing `# comment`. */
const uncommented = (command: string) => command.replace(/\s+#\s.*$/, '').trim();

/**
 * The commands a markdown page shows, for tests that hold docs to what the CLI does: every
 * line of a fenced block (an output block, ```text, is not commands; `# comments` cut) and
 * every inline code span that starts a command (unless `inline: false`), from the command on
 * (`npx ` dropped).
 */
export function docCommands(markdown: string, options: { inline?: boolean } = {}): string[] {
  const inline = options.inline ?? true;
  return pageParts(markdown).flatMap(({ prose, lines }) => {
    const texts =
      prose === undefined
        ? lines!
        : inline
          ? [...prose.replace(/\n/g, ' ').matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
          : [];
    return texts.flatMap((text) => {
      const command = commandIn(text);
      return command === undefined ? [] : [uncommented(command)];
    });
  });
}

/** A usage line rather than a command to run as written: it has placeholders (`<file>`,
 *  `[--json]`, a word in capitals such as `T`, `URL` or `FILE`, `...`). */
export function isSynopsis(command: string): boolean {
  return /[<[]|\.\.\.|(^|\s)[A-Z][A-Z_]*(\s|$)/.test(command);
}

/** One `llm-teams` command line of a page, as a test runs it. */
export interface DocStep {
  /** The line as the page shows it, comment cut. */
  line: string;
  /** Its arguments after `llm-teams`, split as a shell splits them (quotes taken off). */
  args: string[];
  /** The exit code the page gives it in a trailing `# exit N` comment; 0 when it says none. */
  exit: number;
}

/**
 * The `llm-teams` commands of a page's code blocks that run as written (synopses left out),
 * in the page's order, each with the exit code the page says it ends with.
 */
export function docSteps(markdown: string): DocStep[] {
  return pageParts(markdown)
    .flatMap(({ lines }) => lines ?? [])
    .flatMap((text) => {
      const command = commandIn(text);
      if (command === undefined || !command.startsWith('llm-teams ')) return [];
      const line = uncommented(command);
      if (isSynopsis(line)) return [];
      const exit = Number(/\s#\s*exit (\d+)\b/.exec(command)?.[1] ?? 0);
      const args = [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)]
        .map((m) => m[1] ?? m[2] ?? m[3]!)
        .slice(1);
      return [{ line, args, exit }];
    });
}
