/** The two OBS outputs the console watches and an alert can name. */
export type ObsOutput = 'stream' | 'record';

/** What OBS says of its stream (`GetStreamStatus`); counts are null while it is off (nobody asked OBS). */
export interface StreamOutputHealth {
  active: boolean;
  reconnecting: boolean;
  /** How long it has been live, ms. */
  durationMs: number | null;
  /** 0..1: how far behind the network is. */
  congestion: number | null;
  bytes: number | null;
  /** Frames the output dropped, of all it was given. */
  skippedFrames: number | null;
  totalFrames: number | null;
}

/** What OBS says of its recording (`GetRecordStatus`); counts are null while it is off. */
export interface RecordOutputHealth {
  active: boolean;
  paused: boolean;
  durationMs: number | null;
  bytes: number | null;
}

/**
 * `GET /api/director/health`: the stream's and the recording's health. OBS is asked only while one of them is
 * live (at most once per ~1.5 s however many consoles ask); `at` is when OBS was asked (or the answer made, when not).
 */
export interface StreamHealthReport {
  obs: 'connected' | 'disconnected';
  stream: StreamOutputHealth;
  record: RecordOutputHealth;
  at: number;
}
