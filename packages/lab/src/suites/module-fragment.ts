/**
 * Merging a variant's fragment into a task's base file. A structure variant of a task (say, the
 * chained form of `rational`) adds code that imports a dependency; keeping that code in a
 * fragment lets every structure share one copy of the base module.
 *
 * The rule: the fragment's top-level `import` statements go after the base file's last
 * top-level import (or first, if it has none), skipping statements the base already has
 * verbatim; the rest of the fragment is appended after one blank line.
 */

interface SplitModule {
  imports: string[];
  body: string[];
}

/** Top-level import statements (one or several lines each) and everything else. */
function splitImports(text: string): SplitModule {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const imports: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/^import[\s{'"*]/.test(line)) {
      body.push(line);
      continue;
    }
    const statement = [line];
    // A multi-line import ends at the first line that closes it with `;`.
    while (!statement[statement.length - 1]!.trimEnd().endsWith(';') && i + 1 < lines.length) {
      statement.push(lines[++i]!);
    }
    imports.push(statement.join('\n'));
  }
  return { imports, body };
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}

/** The base module with the fragment merged in (see the module comment for the rule). */
export function mergeModuleFragment(base: string, fragment: string): string {
  const baseLines = base.replace(/\r\n/g, '\n').split('\n');
  const { imports, body } = splitImports(fragment);
  const present = new Set(splitImports(base).imports);
  const newImports = imports.filter((statement) => !present.has(statement));

  let lastImportEnd = -1;
  for (let i = 0; i < baseLines.length; i++) {
    if (!/^import[\s{'"*]/.test(baseLines[i]!)) continue;
    while (!baseLines[i]!.trimEnd().endsWith(';') && i + 1 < baseLines.length) i++;
    lastImportEnd = i;
  }
  const head = baseLines.slice(0, lastImportEnd + 1);
  const rest = trimBlankLines(baseLines.slice(lastImportEnd + 1));
  const tail = trimBlankLines(body);

  const merged = [...head, ...newImports.flatMap((s) => s.split('\n'))];
  if (merged.length > 0 && rest.length > 0) merged.push('');
  merged.push(...rest);
  if (tail.length > 0) {
    if (merged.length > 0) merged.push('');
    merged.push(...tail);
  }
  return `${merged.join('\n')}\n`;
}

/** Specs concatenate: the base assignment, then the variant's section. */
export function mergeSpecFragment(base: string, fragment: string): string {
  return `${base.trimEnd()}\n\n${fragment.trim()}\n`;
}
