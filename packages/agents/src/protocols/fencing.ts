/**
 * Fencing: a leader's epoch (the revision of the lease write that made it leader, growing with
 * every change of leader) travels on every command it sends and every board write it makes.
 * A receiver remembers the highest epoch it has seen and refuses anything lower, so a deposed
 * leader that wakes from a pause (GC, SIGSTOP, a partition) cannot act on stale beliefs: its
 * commands are refused, traced, and it learns that it was deposed.
 */

/** The verdict on a command carrying `epoch`, at a receiver that has seen `seen`. */
export type FenceVerdict =
  /** At least as new as anything seen: act on it. `epoch` is the new highest seen. */
  | { kind: 'admitted'; epoch: number }
  /** From a leader older than one already heard from: refuse it. */
  | { kind: 'stale'; epoch: number; seen: number };

export interface FenceOptions {
  /** Refuse lower epochs. Default true; false is a deliberately broken variant (every command
   *  is admitted: `stale-leader`). */
  enabled?: boolean | undefined;
}

/** Judges a command's epoch against the highest seen. A command without an epoch (not from a
 *  leader) is admitted and changes nothing. */
export function admitEpoch(
  seen: number,
  epoch: number | undefined,
  options: FenceOptions = {},
): FenceVerdict {
  if (epoch === undefined) return { kind: 'admitted', epoch: seen };
  if (epoch < seen && (options.enabled ?? true)) return { kind: 'stale', epoch, seen };
  return { kind: 'admitted', epoch: Math.max(seen, epoch) };
}

/** A receiver's answer to a refused command, sent back to its (deposed) sender. */
export interface LeaderFencedBody {
  /** The refused command's type and epoch. */
  refused: string;
  epoch: number;
  /** The highest epoch the receiver has seen. */
  seen: number;
  taskId?: string;
}
