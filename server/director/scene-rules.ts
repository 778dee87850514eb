import type { SceneRule } from '../../shared/schemas/director.js';
import type { Machine, MachineState } from '../../shared/schemas/machine.js';

export interface Wanted {
  scene: string;
  /** The rule that wants it, or none for the default scene. */
  rule?: SceneRule & { label: string };
  /** The machine event that fired the rule. */
  trigger?: { machine: string; state: MachineState };
}

interface Fired {
  at: number;
  state: MachineState;
}

/**
 * Which scene production wants now. A rule fires when its machine enters its
 * state and stays active while the machine is in that state, for at most
 * `seconds` when given; the highest-priority active rule wins (the most
 * recently fired on a tie), else the default scene. Pure: time comes in.
 */
export class SceneRules {
  #rules: (SceneRule & { label: string })[];
  #default: string;
  #states = new Map<string, MachineState>();
  #fired = new Map<string, Fired>();

  constructor(rules: readonly SceneRule[], defaultScene: string) {
    this.#rules = rules.map((r, i) => ({ ...r, label: r.name ?? `${r.machine}:${r.state}#${i + 1}` }));
    this.#default = defaultScene;
  }

  /** Records a machine event; true when it changed what is wanted. */
  observe(machine: Machine, now: number): boolean {
    const before = this.#states.get(machine.id);
    if (before === machine.state) return false;
    this.#states.set(machine.id, machine.state);
    if (this.#rules.some((r) => r.machine === machine.id)) {
      this.#fired.set(machine.id, { at: now, state: machine.state });
      return true;
    }
    return false;
  }

  wanted(now: number): Wanted {
    let best: { rule: SceneRule & { label: string }; at: number } | undefined;
    for (const rule of this.#rules) {
      const fired = this.#fired.get(rule.machine);
      if (!fired || fired.state !== rule.state || this.#states.get(rule.machine) !== rule.state) continue;
      if (rule.seconds !== undefined && now >= fired.at + rule.seconds * 1000) continue;
      if (!best || rule.priority > best.rule.priority || (rule.priority === best.rule.priority && fired.at > best.at)) best = { rule, at: fired.at };
    }
    return best ? { scene: best.rule.scene, rule: best.rule, trigger: { machine: best.rule.machine, state: best.rule.state } } : { scene: this.#default };
  }

  /** When the next timed rule runs out (ms epoch), so the director can wake then rather than poll. */
  nextExpiry(now: number): number | null {
    let next: number | null = null;
    for (const rule of this.#rules) {
      const fired = this.#fired.get(rule.machine);
      if (!fired || rule.seconds === undefined || fired.state !== rule.state) continue;
      const end = fired.at + rule.seconds * 1000;
      if (end > now && (next === null || end < next)) next = end;
    }
    return next;
  }

  /** Every scene the config names, to check against what OBS has. */
  scenes(): string[] {
    return [...new Set([this.#default, ...this.#rules.map((r) => r.scene)])];
  }
}
