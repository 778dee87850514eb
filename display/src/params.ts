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
    ...(screen && /^[\w.-]{1,48}$/.test(screen) ? { screen } : {}),
    ...(station && /^[\w.:~-]{1,64}$/.test(station) ? { station } : {}),
    overlay: q.get('overlay') === '1',
  };
}
