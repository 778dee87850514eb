/** A door that can say whether it is taking input now. */
export interface WatchedDoor {
  /** True while connected and reading (subscribed, or its read loop going without errors). */
  readonly up: boolean;
}

export type DoorState = 'starting' | 'up' | 'down';

/** A door as the hub lists it: `advisory` doors are reported but do not make the hub unready (an outside peer, the MQTT broker). */
export interface ListedDoor {
  readonly name: string;
  readonly advisory?: boolean;
}

/**
 * The doors this hub is meant to open, known from the config before any of them starts, so a door that
 * never started (its start waits on the board) reads as not ready rather than being absent from the list.
 */
export class DoorStatus {
  #doors = new Map<string, WatchedDoor | undefined>();
  #advisory = new Set<string>();

  constructor(expected: readonly ListedDoor[]) {
    for (const { name, advisory } of expected) {
      this.#doors.set(name, undefined);
      if (advisory) this.#advisory.add(name);
    }
  }

  opened(name: string, door: WatchedDoor): void {
    this.#doors.set(name, door);
  }

  states(): Record<string, DoorState> {
    return Object.fromEntries([...this.#doors].map(([name, door]) => [name, door === undefined ? 'starting' : door.up ? 'up' : 'down']));
  }

  /** Every door that counts for readiness is up: an advisory door's state is reported, not required. */
  get allUp(): boolean {
    return [...this.#doors].every(([name, d]) => this.#advisory.has(name) || d?.up === true);
  }
}
