/**
 * Keeps secrets (API keys, NATS passwords and tokens, nkey seeds) out of everything a run
 * writes: traces, logs, reports, error messages. Two nets: the exact values known to be
 * secret (registered, or read from the environment), and patterns of well-known secret
 * formats, for a secret that reached the text by a path nobody registered.
 *
 * System time: the environment's secrets are re-read at most once a second of the machine's time,
 * a cost of reading process.env, not a decision of any run.
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Values shorter than this are never treated as secrets: they are too short to be real
 *  credentials, and replacing them everywhere would mangle ordinary text (`none`, `test`). */
export const MIN_SECRET_LENGTH = 6;

/**
 * Environment variables whose values are secrets: `*_API_KEY`, `*_TOKEN`, `*_SECRET*`,
 * `*_PASSWORD`, `*_PASS`, `*_SEED`, `*_NKEY`, `*_PRIVATE_KEY`, `*_ACCESS_KEY`. Names ending in
 * `_FILE`, `_PATH` or `_DIR` hold where a secret is, not the secret.
 */
const SECRET_NAME =
  /(?:^|_)(?:API_?KEY|TOKEN|SECRET|SECRET_ACCESS_KEY|PASSWORD|PASSWD|PASS|SEED|NKEY|NKEY_SEED|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS)$/i;
const LOCATION_NAME = /_(?:FILE|PATH|DIR)$/i;

/**
 * Formats that are secret wherever they appear, each with a substring every match contains:
 * a text without it skips the pattern (a plain `includes` is far cheaper than a scan with `\b`,
 * and most traced text has none of them).
 */
const SECRET_PATTERNS: readonly { hint: string | undefined; pattern: RegExp }[] = [
  // nkey seeds: `S` + role (user, account, operator, server, cluster, curve) + 56 base32.
  { hint: undefined, pattern: /\bS[UAONCX][A-Z2-7]{56}\b/g },
  // Provider API keys.
  { hint: 'sk-', pattern: /\bsk-ant-[A-Za-z0-9_-]{8,}/g },
  { hint: 'sk-', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g },
  { hint: 'AIza', pattern: /\bAIza[0-9A-Za-z_-]{30,}/g },
  // A JWT-creds file's seed block and a private key block.
  {
    hint: '-----BEGIN',
    pattern:
      /-----BEGIN [A-Z ]*(?:PRIVATE KEY|NKEY SEED)-----[\s\S]*?-----END [A-Z ]*(?:PRIVATE KEY|NKEY SEED)-----/g,
  },
];
// Userinfo in a URL (`nats://user:pass@host`): keep the user, drop the password.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):([^\s/@]+)@/gi;

/** The secret values in an environment, by the variable-name rules above. */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME.test(name) && !LOCATION_NAME.test(name)) out.push(value);
  }
  return out;
}

const registry = new Set<string>();

/**
 * Adds values every redaction in this process removes from now on (a password read from a
 * file, a seed, a token given on the command line). Short values are ignored.
 */
export function registerSecret(...values: (string | undefined)[]): void {
  for (const v of values) if (v && v.length >= MIN_SECRET_LENGTH) registry.add(v);
}

/** The values registered so far (tests, diagnostics). */
export function registeredSecrets(): string[] {
  return [...registry];
}

export interface Redactor {
  /** `text` with every secret replaced by `[REDACTED]`. */
  redact(text: string): string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function literalPattern(secrets: Iterable<string>): RegExp | undefined {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    // As it appears inside a JSON string (a trace line, a result file).
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a secret containing another is removed whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(alternatives.join('|'), 'g');
}

/** What a redaction applies: compiled once per set of secrets; plain data, so it can be handed
 *  to the trace writer's thread. */
export interface RedactionRules {
  /** The secret values (and their JSON-escaped forms), longest first. */
  literal: RegExp | undefined;
  patterns: readonly { hint: string | undefined; pattern: RegExp }[];
  urlPassword: RegExp;
  replacement: string;
}

function rulesFor(literal: RegExp | undefined): RedactionRules {
  return { literal, patterns: SECRET_PATTERNS, urlPassword: URL_PASSWORD, replacement: REDACTED };
}

/**
 * `text` with the rules applied. Self-contained (the trace writer's thread runs its source):
 * it may use nothing from outside itself.
 */
export function applyRedaction(text: string, rules: RedactionRules): string {
  const { literal, replacement } = rules;
  let out = literal ? text.replace(literal, replacement) : text;
  for (const { hint, pattern } of rules.patterns) {
    if (hint === undefined || out.includes(hint)) out = out.replace(pattern, replacement);
  }
  return out.includes('://') ? out.replace(rules.urlPassword, `$1:${replacement}@`) : out;
}

/** A redactor for a fixed set of secret values (plus the well-known patterns). */
export function createRedactor(secrets: Iterable<string> = []): Redactor {
  const rules = rulesFor(literalPattern(secrets));
  return { redact: (text) => applyRedaction(text, rules) };
}

let cached: { key: string; rules: RedactionRules } | undefined;

// Reading process.env costs ~80 us (it is a view of the C environment), more than redacting a
// 64 KB chunk; its secrets are re-read at most once a second.
const ENV_TTL_MS = 1000;
let processEnvSecrets: { at: number; values: string[] } | undefined;

function currentProcessEnvSecrets(): string[] {
  const now = Date.now();
  if (!processEnvSecrets || now - processEnvSecrets.at > ENV_TTL_MS) {
    processEnvSecrets = { at: now, values: secretsFromEnv(process.env) };
  }
  return processEnvSecrets.values;
}

function rulesOf(all: string[]): RedactionRules {
  const key = all.join('\u0000');
  if (cached?.key !== key) cached = { key, rules: rulesFor(literalPattern(all)) };
  return cached.rules;
}

/**
 * The rules `redact` applies by default now: the registered secrets, the environment's and
 * the well-known formats. The same object while the set of secrets stays the same.
 */
export function currentRedactionRules(): RedactionRules {
  return rulesOf([...registry, ...currentProcessEnvSecrets()]);
}

/**
 * Removes secrets from `text`: the values given, the registered ones, those in the
 * environment (`process.env` by default, re-read at most once a second), and anything that
 * looks like a seed, an API key or a password in a URL. The combined pattern is cached until
 * the set of secrets changes.
 */
export function redact(
  text: string,
  options: { secrets?: Iterable<string>; env?: NodeJS.ProcessEnv } = {},
): string {
  const fromEnv = options.env ? secretsFromEnv(options.env) : currentProcessEnvSecrets();
  const all = [...registry, ...fromEnv];
  for (const s of options.secrets ?? []) all.push(s);
  return applyRedaction(text, rulesOf(all));
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/**
 * An error as one line of text for a log or report: its message and those of its causes,
 * redacted. Use it wherever an error leaves the process.
 */
export function formatError(
  error: unknown,
  options: { secrets?: Iterable<string>; env?: NodeJS.ProcessEnv } = {},
): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 8) {
    seen.add(current);
    if (current instanceof Error) {
      parts.push(current.message ? `${current.name}: ${current.message}` : current.name);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : describeValue(current));
      current = undefined;
    }
  }
  return redact(parts.join(' <- caused by: '), options);
}
