import { randomUUID } from 'node:crypto';
import type { DirectorConfig } from '../../shared/schemas/director.js';

/** The overlay is drawn for this canvas (docs/screens.md); OBS scales the source if the canvas differs. */
const CANVAS = { width: 1920, height: 1080 };

/** What the generated collection needs: the scenes the director uses, and where OBS reaches the hub. */
export interface SceneCollectionInput {
  director: Pick<DirectorConfig, 'defaultScene' | 'rules'>;
  /** The hub's address as OBS's machine reaches it, without a trailing slash. */
  baseUrl: string;
  name?: string;
}

export interface ObsSource {
  id: string;
  versioned_id: string;
  name: string;
  uuid: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  flags: number;
  mixers: number;
}

/** The scenes the config names: the default first (the board), then each rule's, in the order they appear. */
export function directorScenes(director: SceneCollectionInput['director']): string[] {
  return [...new Set([director.defaultScene, ...director.rules.map((r) => r.scene)])];
}

/** One source of a collection file, as OBS writes it. */
export function obsSource(id: string, name: string, settings: Record<string, unknown>): ObsSource {
  return { id, versioned_id: id, name, uuid: randomUUID(), settings, enabled: true, flags: 0, mixers: 0 };
}

/** A source placed full frame in a scene (`id` counts from 1 within the scene; later items draw on top). */
export function sceneItem(name: string, id: number): Record<string, unknown> {
  return {
    name,
    id,
    visible: true,
    locked: false,
    pos: { x: 0, y: 0 },
    scale: { x: 1, y: 1 },
    rot: 0,
    align: 5,
    bounds_type: 0,
    bounds_align: 0,
    bounds: { x: 0, y: 0 },
  };
}

function browser(name: string, url: string): ObsSource {
  // shutdown/restart off: the page keeps its socket while its scene is off air, so it is current when cut to.
  return obsSource('browser_source', name, { url, ...CANVAS, fps_custom: false, reroute_audio: false, restart_when_active: false, shutdown: false, css: '' });
}

/**
 * An OBS scene collection (Scene Collection → Import) for a store: the default scene shows the board full
 * screen, and every other scene the director cuts to holds a placeholder for its camera under the
 * transparent overlay (one browser source shared by all of them, so OBS runs one page). The placeholder is a
 * plain colour, which loads on every platform: the store replaces it with its Video Capture Device.
 */
export function sceneCollection(input: SceneCollectionInput): Record<string, unknown> {
  const scenes = directorScenes(input.director);
  const board = browser('Batchboard board', `${input.baseUrl}/display`);
  const overlay = browser('Batchboard overlay', `${input.baseUrl}/display?overlay=1`);
  const sources: ObsSource[] = [board, overlay];
  scenes.forEach((scene, i) => {
    if (i === 0) {
      sources.push(obsSource('scene', scene, { id_counter: 1, custom_size: false, items: [sceneItem(board.name, 1)] }));
      return;
    }
    const camera = obsSource('color_source_v3', `${scene} camera (replace with your camera)`, { color: 0xff303030, ...CANVAS });
    sources.push(camera, obsSource('scene', scene, { id_counter: 2, custom_size: false, items: [sceneItem(camera.name, 1), sceneItem(overlay.name, 2)] }));
  });
  return collectionFile(input.name ?? 'Batchboard', scenes, sources);
}

/** A collection file: its scenes in order (the first on air at start) and every source they use. */
export function collectionFile(name: string, scenes: readonly string[], sources: readonly ObsSource[]): Record<string, unknown> {
  return {
    name,
    current_scene: scenes[0],
    current_program_scene: scenes[0],
    scene_order: scenes.map((scene) => ({ name: scene })),
    sources,
    groups: [],
    transitions: [],
    current_transition: 'Cut',
    transition_duration: 300,
    modules: {},
  };
}
