import { InvalidArgumentError } from 'commander';

/** Commander argument parsers. Commander prefixes their messages with the flag and the value. */

export function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Must be an integer from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A number in (min, max] when `exclusiveMin`, else [min, max]. */
export function numberIn(
  min: number,
  max: number,
  exclusiveMin = false,
): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const low = exclusiveMin ? n > min : n >= min;
    if (value.trim() === '' || !Number.isFinite(n) || !low || n > max) {
      const range = exclusiveMin
        ? `greater than ${min} and at most ${max}`
        : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`Must be a number ${range}.`);
    }
    return n;
  };
}

const items = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** `a,b,c` (no empty list). */
export function stringList(value: string): string[] {
  const list = items(value);
  if (list.length === 0) throw new InvalidArgumentError('Must be a comma-separated list.');
  return [...new Set(list)];
}

/** `a,b` where each item is one of `allowed`. */
export function choiceList<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const list = stringList(value);
    const bad = list.filter((x) => !(allowed as readonly string[]).includes(x));
    if (bad.length > 0) {
      throw new InvalidArgumentError(
        `Not allowed: ${bad.join(', ')}. Allowed values: ${allowed.join(', ')}.`,
      );
    }
    return list as T[];
  };
}

/** `1,2,5` or ranges `1-5` (mixed: `1-3,8`), each an integer in [min, max]. */
export function intList(min: number, max: number): (value: string) => number[] {
  const one = intIn(min, max);
  return (value) => {
    const out: number[] = [];
    for (const item of stringList(value)) {
      const range = /^(\d+)-(\d+)$/.exec(item);
      if (range) {
        const [a, b] = [one(range[1]!), one(range[2]!)];
        if (a > b) throw new InvalidArgumentError(`Range ${item} runs backwards.`);
        for (let k = a; k <= b; k++) out.push(k);
      } else out.push(one(item));
    }
    return [...new Set(out)];
  };
}

/** `0.9,0.5`, each a number in [min, max]. */
export function numberList(min: number, max: number): (value: string) => number[] {
  const one = numberIn(min, max);
  return (value) => [...new Set(stringList(value).map(one))];
}

/** A seed: a non-empty token of letters, digits, `.`, `_`, `-`. */
export function seedArg(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new InvalidArgumentError('Must be 1-64 letters, digits, ".", "_" or "-".');
  }
  return value;
}

/** A NATS URL or a comma-separated list of them. */
export function natsUrlArg(value: string): string {
  const urls = stringList(value);
  for (const u of urls) {
    if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(u) && !/^[A-Za-z0-9.-]+:\d+$/.test(u)) {
      throw new InvalidArgumentError(`${u} is not a NATS URL (nats://host:port).`);
    }
  }
  return urls.join(',');
}

/** Keys of a model mix: member ids (`a1`, `coord1`) and the roles `workers`, `coordinators`. */
const MIX_KEY = /^(a\d+|coord\d+|workers|coordinators)$/;

/** `coord1=anthropic:claude-sonnet-4-6,workers=sim:gpt-5.2`: a model per member or role. */
export function modelMix(value: string): Record<string, string> {
  const mix: Record<string, string> = {};
  for (const item of stringList(value)) {
    const at = item.indexOf('=');
    const key = item.slice(0, at).trim();
    const model = item.slice(at + 1).trim();
    if (at <= 0 || model === '') {
      throw new InvalidArgumentError(`${item} is not <member>=<model id>.`);
    }
    if (!MIX_KEY.test(key)) {
      throw new InvalidArgumentError(
        `${key} is not a member (a1, a2, ..., coord1, coord2) or a role (workers, coordinators).`,
      );
    }
    mix[key] = model;
  }
  return mix;
}

/** Mixes separated by `;`, `none` for the plain team: `none;workers=sim:gpt-5.2`. */
export function modelMixes(value: string): Record<string, string>[] {
  const mixes = value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s === 'none' ? {} : modelMix(s)));
  if (mixes.length === 0) throw new InvalidArgumentError('Must be one or more mixes.');
  return mixes;
}
