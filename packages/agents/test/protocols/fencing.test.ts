import { describe, expect, it } from 'vitest';
import { admitEpoch } from '@llm-teams/agents';

describe('epoch fence', () => {
  it('admits an epoch at least as high as any seen, and raises the highest seen', () => {
    expect(admitEpoch(0, 5)).toEqual({ kind: 'admitted', epoch: 5 });
    expect(admitEpoch(5, 5)).toEqual({ kind: 'admitted', epoch: 5 });
    expect(admitEpoch(5, 9)).toEqual({ kind: 'admitted', epoch: 9 });
  });

  it('refuses a lower epoch: a deposed leader', () => {
    expect(admitEpoch(9, 5)).toEqual({ kind: 'stale', epoch: 5, seen: 9 });
  });

  it('admits a message without an epoch (not a leader command) and changes nothing', () => {
    expect(admitEpoch(9, undefined)).toEqual({ kind: 'admitted', epoch: 9 });
  });

  it('with fencing off (the stale-leader variant) admits a lower epoch', () => {
    expect(admitEpoch(9, 5, { enabled: false })).toEqual({ kind: 'admitted', epoch: 9 });
  });
});
