/** The KV buckets every team gets. `limits` holds the team-wide budget and rates. */
export const TEAM_BUCKETS = ['board', 'files', 'snapshots', 'leases', 'limits'] as const;
export type TeamBucket = (typeof TEAM_BUCKETS)[number];
