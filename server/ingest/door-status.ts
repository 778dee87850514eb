/** A door that can say whether it is taking input now. */
export interface WatchedDoor {
  /** True while connected and reading (subscribed, or its read loop going without errors). */
  readonly up: boolean;
}

export type DoorState = 'starting' | 'up' | 'down';

/**
 * The doors this hub is meant to open, known from the config before any of them starts, so a door that
 * never started (its start waits on the board) reads as not ready rather than being absent from the list.
 */
export class DoorStatus {
  #doors = new Map<string, WatchedDoor | undefined>();

  constructor(expected: readonly string[]) {
    for (const name of expected) this.#doors.set(name, undefined);
  }

  opened(name: string, door: WatchedDoor): void {
    this.#doors.set(name, door);
  }

  states(): Record<string, DoorState> {
    return Object.fromEntries([...this.#doors].map(([name, door]) => [name, door === undefined ? 'starting' : door.up ? 'up' : 'down']));
  }

  get allUp(): boolean {
    return [...this.#doors.values()].every((d) => d?.up === true);
  }
}
