/** What applying a fault (agent, model or broker) left behind: how to heal it, how to stop
 *  watching it. */
export interface AppliedFault {
  heal?: () => Promise<void>;
  dispose?: () => void;
}
