/** The messages of a rounds team (the paper's harness): the lead's go, a worker's step. */

/** A message of the harness's shared channel: what one member said in a round. */
export interface PeerMessage {
  from: string;
  text: string;
}

/** Lead -> worker (`round.go`): act once. */
export interface RoundGo {
  round: number;
  /** Model time the round starts. */
  modelTime: number;
  /** Pre-assigned tasks, in order (`rounds`): sent with the first round and after a
   *  reassignment. */
  assigned?: string[];
  /** Messages the team sent in the last round. */
  messages: PeerMessage[];
}

/** Worker -> lead (`round.step`): done acting this round. */
export interface RoundStep {
  round: number;
  /** Model time the step ended (the round's start if it had nothing to do). */
  modelTime: number;
  /** Nothing got done this round: nothing to do, or a claim refused. Rounds in which every
   *  step is idle are a stall (the lead fails the run after a few). */
  idle: boolean;
  /** The task it works on after this step, if any. */
  working?: string;
  /** The task it completed in this step. */
  completed?: string;
  /** Messages it sent (`send_message`) in this step. */
  messages: PeerMessage[];
}

/** `preassign`: a lead dealt the tasks (`rounds`); `claim`: members claim them (`rounds-claim`). */
export type RoundsMode = 'preassign' | 'claim';
