/**
 * The fault controller of a run: the plan's triggers and heals, live faults from `chaos`, and
 * each layer's fault applied where it acts.
 * Long file: one controller's state (armed, active and healed faults, their timers) shared by
 * its short inner functions, one per layer and per step.
 */
import type { RunningTeam, TeamRunOptions } from '@llm-teams/agents';
import type { NatsCluster, NatsConnection } from '@llm-teams/broker';
import {
  createFaultInjector,
  createRandom,
  FaultSpecError,
  serveFaultControlWith,
  systemClock,
  type Clock,
  type FaultControlReply,
  type FaultControlRequest,
  type FaultControlServer,
  type FaultEventPayload,
  type FaultInjector,
  type TimerHandle,
} from '@llm-teams/runtime';
import type { AppliedFault } from './applied-fault.js';
import { applyAgentFault } from './agent-faults.js';
import {
  applyBrokerFault,
  clusterControl,
  createBrokerFaults,
  type BrokerFaults,
  type ServerControl,
} from './broker-faults.js';
import type { FaultPlan, PlannedFault } from './fault-kinds.js';
import type { PlanContext } from './fault-refs.js';
import { parseFaultEntry } from './fault-plan.js';
import { armTrigger } from './fault-triggers.js';
import { applyModelFault, ModelFaults } from './model-faults.js';
import { applyWireFault, type WireHosts } from './wire-faults.js';
import { applyClockFault, type ClockHosts } from './clock-faults.js';

export interface FaultControllerOptions {
  /** Faults from a fault file (already validated). Default: none, live faults only. */
  plan?: FaultPlan;
  /** The run's seed; the plan's own seed wins. */
  seed: string | number;
  /** Real ms per model ms (the run's time scale): model-time triggers and heals use it. */
  timeScale: number;
  /** Serve live faults on the team's control subject over this connection once it runs.
   *  Default: no live faults. */
  nc?: NatsConnection;
  /** The cluster broker faults act on. Default: none (broker faults are refused). */
  cluster?: NatsCluster;
  /** Servers broker faults act on, when not a `cluster` started here (`llm-teams up`'s). */
  servers?: ServerControl;
  /** The hosts behind the wire proxy, where wire faults act. Default: none (refused). */
  wire?: WireHosts;
  /** The team's hosts and their clocks, where clock faults act. Default: none (refused). */
  clocks?: ClockHosts;
  /** Task ids live faults may name. Default: not checked. */
  tasks?: readonly string[];
  /** Node name in control replies. Default `node-<pid>`. */
  node?: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Called once the team runs (the CLI prints how to reach it). */
  onStarted?: (team: RunningTeam) => void;
}

export type ControlledFaultState = 'armed' | 'active' | 'healing' | 'done' | 'healed';

export interface ControlledFault {
  id: string;
  kind: string;
  state: ControlledFaultState;
}

/**
 * Runs a team's faults: the fault file's, and live ones from `llm-teams chaos`. Plug it into
 * `runTeam` with `teamOptions()`: the message interceptor, the simulated model's fault hook,
 * and `onStarted`, where triggers are armed and the control subject is served.
 */
export interface FaultController {
  readonly injector: FaultInjector;
  teamOptions(base?: Partial<TeamRunOptions>): Partial<TeamRunOptions>;
  /** Adds one fault (validated against the running team); armed once the team runs. */
  add(entry: unknown): string;
  /** Heals (or disarms) one fault, or all; returns the ids. */
  clear(id?: string): Promise<string[]>;
  list(): ControlledFault[];
  close(): Promise<void>;
}

interface Entry {
  fault: PlannedFault;
  state: ControlledFaultState;
  disarm?: () => void;
  applied?: AppliedFault;
  healTimer?: TimerHandle;
  /** While the fault is being applied (a server stopping), then healed (one starting). */
  firing?: Promise<void>;
  healing?: Promise<void>;
}

/** Why a fault that fired applied to nothing. */
function skipReason(fault: PlannedFault): string {
  switch (fault.layer) {
    case 'agent':
      return fault.kind === 'restart'
        ? `${fault.spec.target} was running`
        : `${fault.spec.target} was not running`;
    case 'broker':
      return 'no NATS servers are controlled here';
    case 'wire':
      return 'no wire proxy here';
    case 'clock':
      return 'no host clocks here';
    default:
      return 'nothing to act on';
  }
}

export function createFaultController(options: FaultControllerOptions): FaultController {
  return new Controller(options);
}

class Controller implements FaultController {
  readonly injector: FaultInjector;
  readonly #options: FaultControllerOptions;
  readonly #clock: Clock;
  readonly #models: ModelFaults;
  readonly #entries = new Map<string, Entry>();
  readonly #pending: { actor: string | undefined; event: FaultEventPayload }[] = [];
  #team: RunningTeam | undefined;
  #runStartMs: number | undefined;
  /** Faults whose trigger fired before the team was up. */
  readonly #due: Entry[] = [];
  #broker: BrokerFaults | undefined;
  #servers: ServerControl | undefined;
  #server: FaultControlServer | undefined;
  #live = 0;
  #closed = false;

  constructor(options: FaultControllerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const random = createRandom(options.plan?.seed ?? String(options.seed)).fork('faults');
    this.injector = createFaultInjector({
      random: random.fork('messages'),
      clock: this.#clock,
      record: (e) => this.#record(undefined, e),
    });
    this.#models = new ModelFaults(random.fork('model'), (agent, e) => this.#record(agent, e));
    const servers = options.servers ?? (options.cluster && clusterControl(options.cluster));
    if (servers) {
      this.#servers = servers;
      this.#broker = createBrokerFaults(servers, (e) => this.#record(undefined, e));
    }
    // The team's actors act before it is reported up: the run starts with the first of them.
    const stopWatching = this.injector.onMessage(() => {
      this.#markStart();
      stopWatching();
    });
    for (const fault of options.plan?.faults ?? []) {
      const entry: Entry = { fault, state: 'armed' };
      this.#entries.set(fault.id, entry);
      this.#armIfReady(entry);
    }
  }

  #markStart(): void {
    if (this.#runStartMs !== undefined) return;
    this.#runStartMs = this.#clock.now();
    for (const entry of this.#entries.values()) this.#armIfReady(entry);
  }

  /**
   * Arms a fault as soon as its trigger can be watched: with no trigger or a message count at
   * once (the team's first actions are in the run), at a model time once the run has started,
   * on a state once the team is up. Agent and broker faults then wait for the team to be up.
   */
  #armIfReady(entry: Entry): void {
    if (entry.disarm || entry.state !== 'armed') return;
    const t = entry.fault.trigger;
    const ready =
      t === undefined || 'after' in t
        ? true
        : 'at' in t
          ? this.#runStartMs !== undefined
          : this.#team !== undefined;
    if (ready) this.#arm(entry);
  }

  readonly #decide: typeof ModelFaults.prototype.decide = (call) => {
    this.#markStart();
    return this.#models.decide(call);
  };

  teamOptions(base: Partial<TeamRunOptions> = {}): Partial<TeamRunOptions> {
    return {
      ...base,
      interceptor: this.injector,
      // Any provider's model client takes them (a real one through withModelFaults).
      modelOptions: { ...base.modelOptions, faults: this.#decide },
      onStarted: async (team) => {
        await this.#start(team);
        await base.onStarted?.(team);
      },
      onEnding: async () => {
        await this.#healBrokers();
        await base.onEnding?.();
      },
    };
  }

  async #start(team: RunningTeam): Promise<void> {
    this.#team = team;
    for (const { actor, event } of this.#pending.splice(0)) this.#record(actor, event);
    this.#markStart();
    for (const entry of this.#entries.values()) this.#armIfReady(entry);
    for (const entry of this.#due.splice(0)) this.#fireLogged(entry);
    if (this.#options.nc) {
      this.#server = await serveFaultControlWith({
        nc: this.#options.nc,
        subjects: team.host.subjects,
        node: this.#options.node ?? team.host.node,
        handle: (request) => this.#answer(request),
        onReject: (subject, data, reason) => team.host.deadLetter(subject, data, reason),
      });
    }
    this.#options.onStarted?.(team);
  }

  /** Records in `actor`'s lane (the director's without one); before the team runs, later. */
  #record(actor: string | undefined, event: FaultEventPayload): void {
    const team = this.#team;
    if (!team) {
      this.#pending.push({ actor, event });
      return;
    }
    const lane =
      (actor !== undefined ? team.actor(actor) : undefined) ??
      team.actor('director') ??
      team.actor(team.host.actorIds()[0] ?? '');
    lane?.runtime.record(event);
  }

  #arm(entry: Entry): void {
    entry.disarm = armTrigger(
      entry.fault.trigger,
      {
        clock: this.#clock,
        injector: this.injector,
        ...(this.#team ? { team: this.#team } : {}),
        runStartMs: this.#runStartMs ?? this.#clock.now(),
        timeScale: this.#options.timeScale,
      },
      () => {
        // Agent, broker and wire faults wait for the team to be up: an actor to act on, and
        // no server lost while the team is still creating its consumers.
        const waits = entry.fault.layer !== 'message' && entry.fault.layer !== 'model';
        if (this.#team || !waits) this.#fireLogged(entry);
        else this.#due.push(entry);
      },
    );
  }

  #fireLogged(entry: Entry): void {
    entry.firing = this.#fire(entry).catch((err: unknown) =>
      this.#record(undefined, {
        kind: 'fault',
        fault: 'fault.error',
        faultId: entry.fault.id,
        error: String(err),
      }),
    );
  }

  #healMs(fault: PlannedFault): number | undefined {
    if (!fault.heal) return undefined;
    return 'ms' in fault.heal
      ? fault.heal.ms
      : Math.round(fault.heal.modelMs * this.#options.timeScale);
  }

  async #fire(entry: Entry): Promise<void> {
    if (this.#closed || entry.state !== 'armed') return;
    const { fault } = entry;
    const healMs = this.#healMs(fault);
    entry.state = 'active';
    switch (fault.layer) {
      case 'message':
        this.injector.add(
          healMs !== undefined ? { ...fault.spec, healAfterMs: healMs } : fault.spec,
        );
        return;
      case 'model':
        entry.applied = applyModelFault(fault.id, fault.spec, this.#models, (e) =>
          this.#record(undefined, e),
        );
        break;
      case 'agent':
        entry.applied = await applyAgentFault(fault.id, fault.spec, {
          team: this.#team!,
          injector: this.injector,
          models: this.#models,
          clock: this.#clock,
          record: (e) => this.#record(undefined, e),
        });
        break;
      case 'broker':
        entry.applied =
          this.#broker && (await applyBrokerFault(fault.id, fault.spec, this.#broker));
        break;
      case 'clock':
        entry.applied =
          this.#options.clocks &&
          applyClockFault(fault.id, fault.spec, this.#options.clocks, (e) =>
            this.#record(undefined, e),
          );
        break;
      case 'wire':
        entry.applied =
          this.#options.wire &&
          applyWireFault(fault.id, fault.spec, this.#options.wire, (e) =>
            this.#record(undefined, e),
          );
        break;
    }
    if (!entry.applied) {
      // Fired with nothing to act on (its actor not running, no server or host to act on):
      // still a fault of the run, so the trace says what became of it.
      this.#record(undefined, {
        kind: 'fault',
        fault: fault.kind,
        phase: 'skipped',
        faultId: fault.id,
        reason: skipReason(fault),
      });
    }
    if (!entry.applied?.heal) {
      entry.state = 'done';
      return;
    }
    if (healMs !== undefined) {
      entry.healTimer = this.#clock.setTimeout(() => {
        this.#heal(entry).catch(() => undefined);
      }, healMs);
    }
  }

  async #heal(entry: Entry): Promise<void> {
    entry.disarm?.();
    this.#clock.clearTimeout(entry.healTimer);
    entry.applied?.dispose?.();
    if (entry.fault.layer === 'message') this.injector.clear(entry.fault.id);
    const heal = entry.state === 'active' ? entry.applied?.heal : undefined;
    if (!heal) {
      entry.state = entry.state === 'armed' ? 'done' : 'healed';
      return;
    }
    // Healed once the heal is done (a server restarted, an actor respawned), not when it starts.
    entry.state = 'healing';
    try {
      entry.healing = heal();
      await entry.healing;
    } finally {
      entry.state = 'healed';
    }
  }

  #context(): PlanContext {
    const team = this.#team;
    return {
      ...(team
        ? {
            roster: {
              workers: [...team.workers],
              coordinators: [...team.coordinators],
              all: ['director', ...team.coordinators, ...team.workers],
            },
          }
        : {}),
      ...(this.#options.tasks ? { tasks: this.#options.tasks } : {}),
      brokerNodes: this.#servers?.names ?? [],
      // Without a proxy, a live wire fault is not refused but ignored here (another process
      // may have one).
      ...(this.#options.wire ? { wire: this.#options.wire } : {}),
      ...(this.#options.clocks ? { hosts: this.#options.clocks.hosts } : {}),
    };
  }

  add(value: unknown): string {
    const fault = parseFaultEntry(
      value,
      this.#context(),
      'fault',
      this.#entries.size + this.#live++,
    );
    if (this.#entries.has(fault.id))
      throw new FaultSpecError([`a fault with id ${fault.id} exists`]);
    const entry: Entry = { fault, state: 'armed' };
    this.#entries.set(fault.id, entry);
    this.#armIfReady(entry);
    return fault.id;
  }

  async clear(id?: string): Promise<string[]> {
    const ids = id === undefined ? [...this.#entries.keys()] : this.#entries.has(id) ? [id] : [];
    const healing = ids
      .map((i) => this.#entries.get(i)!)
      .filter((e) => e.state === 'armed' || e.state === 'active');
    for (const e of healing) await this.#heal(e);
    return healing.map((e) => e.fault.id);
  }

  list(): ControlledFault[] {
    const inInjector = new Set(this.injector.list().map((f) => f.id));
    return [...this.#entries.values()].map((e) => ({
      id: e.fault.id,
      kind: e.fault.kind,
      // A message fault heals inside the injector.
      state:
        e.fault.layer === 'message' && e.state === 'active' && !inInjector.has(e.fault.id)
          ? 'healed'
          : e.state,
    }));
  }

  async #answer(request: FaultControlRequest): Promise<FaultControlReply> {
    const node = this.#options.node ?? this.#team?.host.node ?? 'node';
    if (request.op === 'list') return { node, ok: true, faults: this.list() };
    if (request.op === 'clear') {
      const cleared =
        request.ids === undefined
          ? await this.clear()
          : (await Promise.all(request.ids.map((i) => this.clear(i)))).flat();
      return { node, ok: true, cleared };
    }
    // All or nothing: validate every fault before adding any.
    const context = this.#context();
    const problems: string[] = [];
    const parsed: PlannedFault[] = [];
    request.faults.forEach((f, i) => {
      try {
        const fault = parseFaultEntry(
          f,
          context,
          `faults[${i}]`,
          this.#entries.size + this.#live + i,
        );
        if (this.#entries.has(fault.id))
          problems.push(`faults[${i}]: a fault with id ${fault.id} exists`);
        parsed.push(fault);
      } catch (err) {
        if (err instanceof FaultSpecError) problems.push(...err.problems);
        else throw err;
      }
    });
    if (problems.length > 0) return { node, ok: false, errors: problems };
    this.#live += parsed.length;
    const added: string[] = [];
    const ignored: NonNullable<FaultControlReply['ignored']> = [];
    for (const fault of parsed) {
      const here = this.#appliesHere(fault);
      if (here !== true) {
        ignored.push({ id: fault.id, kind: fault.kind, reason: here });
        continue;
      }
      const entry: Entry = { fault, state: 'armed' };
      this.#entries.set(fault.id, entry);
      this.#armIfReady(entry);
      added.push(fault.id);
    }
    return { node, ok: true, added, ignored };
  }

  /** Whether a live fault has anything to act on in this process, else why not. */
  #appliesHere(fault: PlannedFault): true | string {
    if (fault.layer === 'broker' && !this.#broker) return 'no NATS cluster is controlled here';
    if (fault.layer === 'wire' && !this.#options.wire) return 'no wire proxy here';
    if (fault.layer === 'clock' && !this.#options.clocks) return 'no host clocks here';
    if (
      fault.layer === 'agent' &&
      fault.kind !== 'restart' &&
      !this.#team?.actor(fault.spec.target)
    ) {
      return `${fault.spec.target} is not running here`;
    }
    return true;
  }

  /**
   * Servers outlive the run (`up`'s): as the run ends, a broker fault not yet fired is disarmed
   * and one with a heal pending is healed (a killed server started again), while the team
   * still records, so the trace has the heal.
   */
  async #healBrokers(): Promise<void> {
    const brokers = [...this.#entries.values()].filter((e) => e.fault.layer === 'broker');
    await Promise.all(brokers.flatMap((e) => (e.firing ? [e.firing] : [])));
    const heals = brokers.flatMap((e) =>
      e.state === 'armed' || e.state === 'active' ? [this.#heal(e)] : e.healing ? [e.healing] : [],
    );
    await Promise.all(heals.map((h) => h.catch(() => undefined)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A run that failed before its end heals here (untraced: its trace is closed).
    await this.#healBrokers();
    await this.#server?.close();
    for (const entry of this.#entries.values()) {
      entry.disarm?.();
      this.#clock.clearTimeout(entry.healTimer);
      entry.applied?.dispose?.();
    }
    this.injector.close();
    this.#broker?.close();
  }
}
