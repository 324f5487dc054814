/**
 * @llm-teams/broker: NATS for the layers above. Starts an embedded nats-server or a local
 * cluster, connects, names every subject of a team, provisions its JetStream resources, and
 * stops / restarts broker nodes for fault injection. Knows nothing of actors.
 */
export { BrokerError, type BrokerErrorCode } from './errors.js';
export {
  assertToken,
  createTeamSubjects,
  DEFAULT_SUBJECT_PREFIX,
  type TeamSubjects,
  type TeamSubjectsOptions,
} from './subjects.js';
export { findNatsServerBinary, NATS_SERVER_INSTALL_HINT } from './server-binary.js';
export { findFreePort } from './free-port.js';
export {
  startNatsServer,
  type NatsClusterConfig,
  type NatsServer,
  type NatsServerOptions,
  type StopOptions,
} from './nats-server.js';
export { startNatsCluster, type NatsCluster, type NatsClusterOptions } from './nats-cluster.js';
export { isTransientNatsFailure, natsFailureKind, type NatsFailureKind } from './nats-failures.js';
export { connectNats, type ConnectOptions, type NatsAuthOptions } from './connect.js';
export {
  NATS_AUTH_FLAGS,
  NATS_NKEY_SEED_ENV,
  natsAuthFromEnv,
  natsAuthSchema,
  natsConnectOptions,
  resolveNatsAuth,
  splitServerCredentials,
  type NatsAuth,
  type NatsAuthFlags,
  type NatsAuthSettings,
} from './auth-options.js';
export {
  createTeamAuthorization,
  type SubjectPermissions,
  type TeamAuthorization,
  type TeamMember,
  type TeamPermissionsOptions,
  type TeamRole,
} from './permissions-config.js';
export {
  clusterReplicas,
  openTeamResources,
  provisionTeam,
  teamResourceNames,
  type BucketSet,
  type FreshTeam,
  type TeamResources,
  type TeamResourcesOptions,
} from './team-resources.js';
export { TEAM_BUCKETS, type TeamBucket } from './team-buckets.js';
export { isSoleWriterKv, soleWriterKeys, soleWriterKv } from './sole-writer-kv.js';
export {
  createBucketPool,
  type BucketPool,
  type BucketPoolOptions,
  type TakenBucketSet,
} from './bucket-pool.js';
// Re-exported so the layers above depend on NATS only through this package.
export type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
export { headers } from '@nats-io/transport-node';
export { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
export type { JetStreamClient, JsMsg, Consumer, ConsumerMessages } from '@nats-io/jetstream';
export type { KV, KvEntry } from '@nats-io/kv';
export {
  createWireProxy,
  type WireConnection,
  type WireDirection,
  type WireEffect,
  type WireFault,
  type WireProxy,
  type WireProxyOptions,
} from './wire-proxy.js';
