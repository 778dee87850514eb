import { SCREEN_NAME, STATION_NAME } from '../../shared/screen-names.js';

/** What the screen's URL says about it: `?screen=NAME&station=NAME&overlay=1`. Bad values are ignored, never fatal. */
export interface ScreenParams {
  screen?: string;
  station?: string;
  overlay: boolean;
}

export function readParams(search: string): ScreenParams {
  const q = new URLSearchParams(search);
  const screen = q.get('screen');
  const station = q.get('station');
  return {
    ...(screen && SCREEN_NAME.test(screen) ? { screen } : {}),
    ...(station && STATION_NAME.test(station) ? { station } : {}),
    overlay: q.get('overlay') === '1',
  };
}
