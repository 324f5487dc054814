/**
 * @llm-teams/testkit: what the project's tests share, and what a user needs to test a team of
 * their own against real parts: a nats-server (or cluster) per test, actor hosts on it, a trace
 * to wait on, the command line in a child process, headless Chromium for pages, network
 * namespaces as machines, loopback servers speaking each model provider's wire format, and
 * virtual time. It sits beside the product packages; none of them imports it.
 */
export {
  startNatsClusterFixture,
  startNatsFixture,
  useNats,
  type FixtureHooks,
  type NatsClusterFixture,
  type NatsFixture,
  type NatsInUse,
} from './nats-fixture.js';
export {
  startHostFixture,
  type Closable,
  type HostFixture,
  type HostFixtureOptions,
} from './host-fixture.js';
export {
  selectNatsBackend,
  startTestNats,
  type NatsBackend,
  type NatsBackendChoice,
  type TestNats,
} from './test-nats.js';
export { deferred, nextPermissionError, until } from './waiting.js';
export { tempDir } from './temp-dir.js';
export { docCommands, docSteps, isSynopsis, type DocStep } from './doc-commands.js';
export { watchedTrace, type WatchedTrace } from './watched-trace.js';
export { runTimeline } from './run-timeline.js';
export {
  argv,
  cliBin,
  runCli,
  spawnCli,
  type CliProcess,
  type CliResult,
  type SpawnCliOptions,
} from './cli-process.js';
export {
  CHROMIUM,
  launchChromium,
  openHtml,
  type OpenedHtml,
  type OpenHtmlOptions,
} from './browser.js';
export { tinyTeamRun, tinySuite, type TinyTeamShape } from './tiny-suite.js';
export { createNetnsLab, netemSupport, netnsSupport, type Link, type NetnsLab } from './netns.js';
export {
  startLoopbackServer,
  type LoopbackReply,
  type LoopbackServer,
  type RecordedRequest,
} from './loopback-server.js';
export {
  anthropicWire,
  googleWire,
  openaiCompatibleWire,
  openaiWire,
  PROVIDER_FIXTURES,
  type ProviderFixture,
  type SeenRequest,
  type WireCall,
  type WireReply,
} from './provider-wire.js';
export { createTestClock, type TestClock } from './test-clock.js';
