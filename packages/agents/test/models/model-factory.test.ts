import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_ID,
  checkModelCredentials,
  createModelClient,
  isModelError,
  parseModelId,
} from '../../src/models/index.js';
import { retryAfterFromHeaders } from '../../src/models/attempt-failure.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isModelError(error) ? error.code : `not a ModelError: ${String(error)}`;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return '';
}

describe('model ids', () => {
  it('parses every provider form', () => {
    const forms: [string, Record<string, string>][] = [
      ['anthropic:claude-sonnet-4-6', { provider: 'anthropic', model: 'claude-sonnet-4-6' }],
      ['openai:gpt-5.2', { provider: 'openai', model: 'gpt-5.2' }],
      ['google:gemini-3-flash-preview', { provider: 'google', model: 'gemini-3-flash-preview' }],
      [
        'openai-compatible:qwen2.5-coder:7b@http://localhost:11434/v1',
        {
          provider: 'openai-compatible',
          model: 'qwen2.5-coder:7b',
          baseURL: 'http://localhost:11434/v1',
        },
      ],
      ['sim:gpt-5.2', { provider: 'sim', model: 'gpt-5.2' }],
      ['replay:runs/x/cassette.jsonl', { provider: 'replay', model: 'runs/x/cassette.jsonl' }],
    ];
    for (const [id, parsed] of forms) expect(parseModelId(id), id).toEqual(parsed);
    expect(parseModelId(DEFAULT_MODEL_ID).provider).toBe('sim');
  });

  it('rejects malformed ids with a message listing the forms', () => {
    for (const bad of ['gpt-5.2', 'mistral:large', 'openai:', 'openai-compatible:llama3', ':x']) {
      expect(
        codeOf(() => parseModelId(bad)),
        bad,
      ).toBe('INVALID_MODEL_ID');
    }
    expect(messageOf(() => parseModelId('gpt-5.2'))).toContain(
      'openai-compatible:<model>@<baseURL>',
    );
  });
});

describe('credentials are checked before a run starts', () => {
  it('names the missing variable for each provider', () => {
    expect(codeOf(() => checkModelCredentials('anthropic:claude-sonnet-4-6', {}))).toBe(
      'MISSING_API_KEY',
    );
    expect(messageOf(() => checkModelCredentials('anthropic:claude-sonnet-4-6', {}))).toContain(
      'ANTHROPIC_API_KEY',
    );
    expect(
      messageOf(() => checkModelCredentials('openai:gpt-5.2', { OPENAI_API_KEY: ' ' })),
    ).toContain('OPENAI_API_KEY');
    expect(messageOf(() => checkModelCredentials('google:gemini-3-flash-preview', {}))).toContain(
      'GEMINI_API_KEY or GOOGLE_API_KEY',
    );
    // createModelClient checks too, so a team cannot be built on a missing key.
    expect(codeOf(() => createModelClient('openai:gpt-5.2', { env: {} }))).toBe('MISSING_API_KEY');
  });

  it('accepts keys where they are, and needs none for sim or local servers', () => {
    expect(() =>
      checkModelCredentials('google:gemini-3-flash-preview', { GOOGLE_API_KEY: 'k' }),
    ).not.toThrow();
    expect(() =>
      checkModelCredentials('anthropic:claude-sonnet-4-6', { ANTHROPIC_API_KEY: 'k' }),
    ).not.toThrow();
    expect(() => checkModelCredentials('sim:gpt-5.2', {})).not.toThrow();
    expect(() =>
      checkModelCredentials('openai-compatible:llama3@http://127.0.0.1:8000/v1', {}),
    ).not.toThrow();
  });

  it('an unknown simulated model is an error listing the known ones', () => {
    expect(codeOf(() => checkModelCredentials('sim:gpt-4', {}))).toBe('UNKNOWN_MODEL');
    const message = messageOf(() => createModelClient('sim:gpt-4', { env: {} }));
    for (const known of ['claude-sonnet-4-6', 'gemini-3-flash-preview', 'gpt-5.2']) {
      expect(message).toContain(known);
    }
  });

  it('a missing cassette is reported before the run', () => {
    expect(codeOf(() => checkModelCredentials('replay:/nonexistent/cassette.jsonl', {}))).toBe(
      'CASSETTE_UNREADABLE',
    );
  });
});

describe('Retry-After', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(retryAfterFromHeaders(headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterFromHeaders(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(
      retryAfterFromHeaders(headers({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }), now),
    ).toBe(30_000);
    expect(
      retryAfterFromHeaders(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now),
    ).toBe(250);
    expect(retryAfterFromHeaders(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterFromHeaders(headers({}), now)).toBeUndefined();
    expect(
      retryAfterFromHeaders(headers({ 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }), now),
    ).toBe(0);
  });
});
