/**
 * Where a JavaScript module can be broken the way people (and models) break code: an
 * off-by-one (a comparison with or without its equality, a dropped `± 1`, a loop starting one
 * off), a missed edge case (a guard clause left out), a wrong type (an exported function
 * returning a string for a number, or a number for anything else). Sites are found on the
 * syntax tree (acorn), so strings, templates and comments are never touched.
 */
import { parse } from 'acorn';
import type { MistakeKind } from './mistake-catalog.js';

/** One way to break one file: replace `[start, end)` of its source with `replacement`. */
export interface MutationSite {
  kind: MistakeKind;
  path: string;
  start: number;
  end: number;
  replacement: string;
  /** What the change does, for people reading the catalog. */
  note: string;
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (x: unknown): x is AstNode =>
  typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';

function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc') continue;
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) for (const v of value) if (isNode(v)) out.push(v);
  }
  return out;
}

const FLIP: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' };
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Functions a module exports directly (their results are what tests look at). */
function exportedFunctions(program: AstNode): Set<AstNode> {
  const out = new Set<AstNode>();
  for (const statement of children(program)) {
    if (
      statement.type !== 'ExportNamedDeclaration' &&
      statement.type !== 'ExportDefaultDeclaration'
    )
      continue;
    const decl = statement['declaration'];
    if (!isNode(decl)) continue;
    if (FUNCTIONS.has(decl.type)) out.add(decl);
    if (decl.type === 'VariableDeclaration') {
      for (const d of (decl['declarations'] as AstNode[] | undefined) ?? []) {
        const init = d['init'];
        if (isNode(init) && FUNCTIONS.has(init.type)) out.add(init);
      }
    }
  }
  return out;
}

function isOne(node: unknown): boolean {
  return isNode(node) && node.type === 'Literal' && node['value'] === 1;
}

/** One file being read: its path and source, and how a node's text is quoted in a note. */
interface FileReader {
  path: string;
  source: string;
  text: (n: AstNode) => string;
  short: (s: string) => string;
}

/** A comparison with or without its equality; a `± 1` dropped. */
function comparisonSites(r: FileReader, node: AstNode): MutationSite[] {
  if (node.type !== 'BinaryExpression') return [];
  const sites: MutationSite[] = [];
  const op = node['operator'] as string;
  const left = node['left'] as AstNode;
  const right = node['right'] as AstNode;
  const flipped = FLIP[op];
  if (flipped !== undefined) {
    const between = r.source.slice(left.end, right.start);
    const at = between.indexOf(op);
    if (at >= 0) {
      sites.push({
        kind: 'off-by-one',
        path: r.path,
        start: left.end + at,
        end: left.end + at + op.length,
        replacement: flipped,
        note: `\`${r.short(r.text(node))}\`: \`${op}\` became \`${flipped}\``,
      });
    }
  }
  if ((op === '+' || op === '-') && isOne(right)) {
    sites.push({
      kind: 'off-by-one',
      path: r.path,
      start: node.start,
      end: node.end,
      replacement: r.text(left),
      note: `\`${r.short(r.text(node))}\` lost its \`${op} 1\``,
    });
  }
  return sites;
}

/** A loop counting from 0 starts at 1, and one from 1 at 0. */
function loopStartSites(r: FileReader, node: AstNode): MutationSite[] {
  if (node.type !== 'ForStatement' || !isNode(node['init'])) return [];
  const init = node['init'];
  const declarations =
    init.type === 'VariableDeclaration' ? ((init['declarations'] as AstNode[]) ?? []) : [];
  const sites: MutationSite[] = [];
  for (const d of declarations) {
    const value = d['init'];
    if (
      isNode(value) &&
      value.type === 'Literal' &&
      (value['value'] === 0 || value['value'] === 1)
    ) {
      const to = value['value'] === 0 ? '1' : '0';
      sites.push({
        kind: 'off-by-one',
        path: r.path,
        start: value.start,
        end: value.end,
        replacement: to,
        note: `the loop \`${r.short(r.text(d))}\` starts at ${to}`,
      });
    }
  }
  return sites;
}

/** A guard clause (an `if` that only throws or returns) left out. */
function guardSites(r: FileReader, node: AstNode): MutationSite[] {
  if (node.type !== 'IfStatement' || node['alternate'] !== null) return [];
  let body = node['consequent'] as AstNode;
  const block = body.type === 'BlockStatement' ? (body['body'] as AstNode[]) : undefined;
  if (block?.length === 1) body = block[0]!;
  if (body.type !== 'ThrowStatement' && body.type !== 'ReturnStatement') return [];
  return [
    {
      kind: 'missed-edge-case',
      path: r.path,
      start: node.start,
      end: node.end,
      replacement: '',
      note: `the guard \`${r.short(r.text(node))}\` is missing`,
    },
  ];
}

/** What an exported function returns, as a string and as a number. */
function returnTypeSites(r: FileReader, node: AstNode, inFn: AstNode): MutationSite[] {
  const returned =
    node.type === 'ReturnStatement' && isNode(node['argument'])
      ? node['argument']
      : node === inFn && node['expression'] === true && isNode(node['body'])
        ? node['body']
        : undefined;
  if (returned === undefined) return [];
  return ['String', 'Number'].map((wrap) => ({
    kind: 'wrong-type',
    path: r.path,
    start: returned.start,
    end: returned.end,
    replacement: `${wrap}(${r.text(returned)})`,
    note: `returns \`${wrap}(${r.short(r.text(returned))})\``,
  }));
}

/** Every site of every kind in one file, in source order. An unparsable file has none. */
export function mutationSites(path: string, source: string): MutationSite[] {
  let program: AstNode;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AstNode;
  } catch {
    return [];
  }
  const exported = exportedFunctions(program);
  const sites: MutationSite[] = [];
  const r: FileReader = {
    path,
    source,
    text: (n) => source.slice(n.start, n.end),
    short: (s) => (s.length > 60 ? `${s.slice(0, 57)}...` : s).replace(/\s+/g, ' '),
  };
  const visit = (node: AstNode, fn: AstNode | undefined) => {
    const inFn = FUNCTIONS.has(node.type) ? node : fn;
    sites.push(...comparisonSites(r, node), ...loopStartSites(r, node), ...guardSites(r, node));
    if (inFn !== undefined && exported.has(inFn)) sites.push(...returnTypeSites(r, node, inFn));
    for (const child of children(node)) visit(child, inFn);
  };
  visit(program, undefined);
  return sites.sort((a, b) => a.start - b.start);
}

/** The source with one site applied. */
export function applySite(source: string, site: MutationSite): string {
  return source.slice(0, site.start) + site.replacement + source.slice(site.end);
}
