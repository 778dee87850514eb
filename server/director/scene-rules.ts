import type { MachineSceneRule, RunEventName, RunSceneRule, SceneRule } from '../../shared/schemas/director.js';
import type { Machine, MachineState } from '../../shared/schemas/machine.js';
import type { Run, RunStatus } from '../../shared/schemas/run.js';

type Labelled<R> = R & { label: string };

export interface Wanted {
  scene: string;
  /** The rule that wants it, or none for the default scene. */
  rule?: Labelled<SceneRule>;
  /** What fired the rule: a machine entering a state, or a run's moment. */
  trigger?: { machine: string; state: MachineState } | { run: string; event: RunEventName; machine?: string };
}

/** A rule that fired, when (a `run_finishing` moment may lie ahead), and on what: the highlights' cause. */
export interface FiredRule {
  rule: Labelled<SceneRule>;
  at: number;
  trigger: NonNullable<Wanted['trigger']>;
}

interface Fired {
  at: number;
  state: MachineState;
}

/** A run's moment that fired a rule, or will (a running run's `run_finishing`). */
interface Moment {
  at: number;
  run: string;
  machine?: string;
}

interface Candidate {
  rule: Labelled<SceneRule>;
  at: number;
  trigger: NonNullable<Wanted['trigger']>;
}

/**
 * Which scene production wants now. A machine rule fires when its machine enters its state and stays active
 * while the machine is in that state, for at most `seconds` when given. A run rule fires at a run's moment
 * (started, `beforeSeconds` before its end, done) and stays active for `seconds`. The highest-priority active
 * rule wins (the most recently fired on a tie), else the default scene. Pure: time comes in.
 */
export class SceneRules {
  #machineRules: Labelled<MachineSceneRule>[] = [];
  #runRules: Labelled<RunSceneRule>[] = [];
  #default: string;
  #states = new Map<string, MachineState>();
  #fired = new Map<string, Fired>();
  #runStatus = new Map<string, RunStatus>();
  /** Run rules fired (started, done), by rule label: the latest moment of each. */
  #moments = new Map<string, Moment>();
  /** Running runs, for `run_finishing`: their end and what they are. */
  #running = new Map<string, { endsAt: number; machine?: string; sku: string }>();

  constructor(rules: readonly SceneRule[], defaultScene: string) {
    rules.forEach((r, i) => {
      if ('run' in r) this.#runRules.push({ ...r, label: r.name ?? `${r.run}${r.sku ? `:${r.sku}` : ''}#${i + 1}` });
      else this.#machineRules.push({ ...r, label: r.name ?? `${r.machine}:${r.state}#${i + 1}` });
    });
    this.#default = defaultScene;
  }

  /** Records a machine event; true when it changed what is wanted. The rules it fired go into `fired`, if given. */
  observe(machine: Machine, now: number, fired?: FiredRule[]): boolean {
    const before = this.#states.get(machine.id);
    if (before === machine.state) return false;
    this.#states.set(machine.id, machine.state);
    if (this.#machineRules.some((r) => r.machine === machine.id)) {
      this.#fired.set(machine.id, { at: now, state: machine.state });
      for (const rule of this.#machineRules) {
        if (rule.machine === machine.id && rule.state === machine.state) fired?.push({ rule, at: now, trigger: { machine: rule.machine, state: rule.state } });
      }
      return true;
    }
    return false;
  }

  /**
   * Records a run's change; `quiet` (the runs already on the board at start) fires nothing. True when a rule fired.
   * The rules it fired go into `fired`, if given: a run starting also names its `run_finishing` rules, at their moment ahead.
   */
  observeRun(run: Run, now: number, quiet = false, fired?: FiredRule[]): boolean {
    const before = this.#runStatus.get(run.id);
    if (before === run.status) return false;
    this.#runStatus.set(run.id, run.status);
    if (run.status === 'running' && run.endsAt !== undefined)
      this.#running.set(run.id, { endsAt: run.endsAt, sku: run.sku, ...(run.machine ? { machine: run.machine } : {}) });
    else this.#running.delete(run.id);
    if (run.status === 'done' || run.status === 'cancelled') this.#runStatus.delete(run.id);
    const event: RunEventName | undefined = run.status === 'running' ? 'run_started' : run.status === 'done' ? 'run_done' : undefined;
    // A run now running that a `run_finishing` rule watches changes when the director must next wake.
    const watched = run.status === 'running' && this.#runRules.some((r) => r.run === 'run_finishing' && matches(r, run.sku, run.machine));
    if (quiet || !event) return watched;
    const machine = run.machine ? { machine: run.machine } : {};
    let any = false;
    for (const rule of this.#runRules) {
      if (!matches(rule, run.sku, run.machine)) continue;
      if (rule.run === 'run_finishing' && event === 'run_started' && run.endsAt !== undefined) {
        const at = Math.max(now, run.endsAt - rule.beforeSeconds * 1000);
        fired?.push({ rule, at, trigger: { run: run.id, event: rule.run, ...machine } });
      }
      if (rule.run !== event) continue;
      this.#moments.set(rule.label, { at: now, run: run.id, ...machine });
      fired?.push({ rule, at: now, trigger: { run: run.id, event, ...machine } });
      any = true;
    }
    return any || watched;
  }

  wanted(now: number): Wanted {
    let best: Candidate | undefined;
    for (const c of this.#active(now)) {
      if (!best || c.rule.priority > best.rule.priority || (c.rule.priority === best.rule.priority && c.at > best.at)) best = c;
    }
    return best ? { scene: best.rule.scene, rule: best.rule, trigger: best.trigger } : { scene: this.#default };
  }

  /** When the next timed rule starts or runs out (ms epoch), so the director can wake then rather than poll. */
  nextExpiry(now: number): number | null {
    const times: number[] = [];
    for (const rule of this.#machineRules) {
      const fired = this.#fired.get(rule.machine);
      if (fired && rule.seconds !== undefined && fired.state === rule.state) times.push(fired.at + rule.seconds * 1000);
    }
    for (const rule of this.#runRules) {
      const moment = this.#moments.get(rule.label);
      if (moment) times.push(moment.at + rule.seconds * 1000);
      for (const m of this.#finishing(rule)) times.push(m.at, m.at + rule.seconds * 1000);
    }
    const future = times.filter((t) => t > now);
    return future.length > 0 ? Math.min(...future) : null;
  }

  /** Every scene the config names, to check against what OBS has. */
  scenes(): string[] {
    return [...new Set([this.#default, ...this.#machineRules.map((r) => r.scene), ...this.#runRules.map((r) => r.scene)])];
  }

  *#active(now: number): Generator<Candidate> {
    for (const rule of this.#machineRules) {
      const fired = this.#fired.get(rule.machine);
      if (!fired || fired.state !== rule.state || this.#states.get(rule.machine) !== rule.state) continue;
      if (rule.seconds !== undefined && now >= fired.at + rule.seconds * 1000) continue;
      yield { rule, at: fired.at, trigger: { machine: rule.machine, state: rule.state } };
    }
    for (const rule of this.#runRules) {
      const moments = rule.run === 'run_finishing' ? this.#finishing(rule) : [this.#moments.get(rule.label)].filter((m) => m !== undefined);
      for (const m of moments) {
        if (now < m.at || now >= m.at + rule.seconds * 1000) continue;
        yield { rule, at: m.at, trigger: { run: m.run, event: rule.run, ...(m.machine ? { machine: m.machine } : {}) } };
      }
    }
  }

  /** The `run_finishing` moments of a rule: `beforeSeconds` before the end of each running run it matches. */
  #finishing(rule: Labelled<RunSceneRule>): Moment[] {
    if (rule.run !== 'run_finishing') return [];
    return [...this.#running]
      .filter(([, r]) => matches(rule, r.sku, r.machine))
      .map(([run, r]) => ({ at: r.endsAt - rule.beforeSeconds * 1000, run, ...(r.machine ? { machine: r.machine } : {}) }));
  }
}

function matches(rule: RunSceneRule, sku: string, machine: string | undefined): boolean {
  return (rule.sku === undefined || rule.sku === sku) && (rule.machine === undefined || rule.machine === machine);
}
