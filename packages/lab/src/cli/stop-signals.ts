/**
 * Calls `stop` on the first SIGINT or SIGTERM (each heard once) until the returned function is
 * called, which stops listening: how a long command is stopped in order.
 */
export function onStopSignals(stop: () => void): () => void {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}
