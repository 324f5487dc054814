import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BrokerError } from './errors.js';

/** The command that installs the server on the machines we support. */
export const NATS_SERVER_INSTALL_HINT =
  'install it with `apt-get install -y nats-server` (Debian/Ubuntu) or set NATS_SERVER_BIN to its path';

// Debian installs nats-server in /usr/sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the `nats-server` binary: `NATS_SERVER_BIN` when set (and then only there), else the
 * PATH, else the usual system directories.
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['NATS_SERVER_BIN'];
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new BrokerError(
      'NATS_SERVER_NOT_FOUND',
      `NATS_SERVER_BIN=${explicit} is not an executable file; ${NATS_SERVER_INSTALL_HINT}`,
    );
  }
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new BrokerError(
    'NATS_SERVER_NOT_FOUND',
    `nats-server was not found on PATH or in ${EXTRA_DIRS.join(', ')}; ${NATS_SERVER_INSTALL_HINT}`,
  );
}
