import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A protocol-level stand-in for obs-websocket 5 (JSON), only for faults a real
 * OBS will not produce on demand: requests answered late or never. It speaks
 * just enough: Hello, Identified, and answers for the requests the director makes.
 */
export class FakeObs {
  readonly server: WebSocketServer;
  /** Request types that get no answer at all. */
  readonly silent = new Set<string>();
  /** Request types answered with a failure (obs-websocket's result false), as OBS refuses a request it cannot do. */
  readonly refused = new Set<string>();
  /** Request types answered as OBS answers replay-buffer requests without `RecRB=true` in its profile (code 604). */
  readonly unavailable = new Set<string>();
  /** How many requests of each type came in. */
  readonly requests = new Map<string, number>();
  /** The next scene switch is answered in one packet with its event, the answer, then a change made by hand to this scene. */
  handChangeWith: string | undefined;
  #program = 'Board';

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (socket) => this.#serve(socket));
  }

  /** What GetStreamStatus answers: a real OBS will not stream without a server to stream to. */
  streaming = false;
  /** What GetReplayBufferStatus answers (see setReplayBuffer). */
  #replayBuffer = false;
  /** Where SaveReplayBuffer's ReplayBufferSaved event says the clip went: a file that is not there, as when OBS runs elsewhere. */
  savedReplayPath = '/nonexistent/obs/Replay 2026-12-03 12-00-00.mkv';

  /** Starts or stops the replay buffer, telling clients as OBS does (ReplayBufferStateChanged). */
  setReplayBuffer(on: boolean): void {
    this.#replayBuffer = on;
    const outputState = on ? 'OBS_WEBSOCKET_OUTPUT_STARTED' : 'OBS_WEBSOCKET_OUTPUT_STOPPED';
    for (const c of this.server.clients) c.send(event('ReplayBufferStateChanged', { outputActive: on, outputState }));
  }

  static async start(port = 0): Promise<FakeObs> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port,
      handleProtocols: (protocols) => (protocols.has('obswebsocket.json') ? 'obswebsocket.json' : false),
    });
    await new Promise((r) => server.once('listening', r));
    return new FakeObs(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  #serve(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 0, d: { obsWebSocketVersion: '5.1.0', rpcVersion: 1 } }));
    socket.on('message', (raw: Buffer) => {
      const msg = JSON.parse(raw.toString()) as { op: number; d: { requestType?: string; requestId?: string; requestData?: { sceneName?: string } } };
      if (msg.op === 1) return socket.send(JSON.stringify({ op: 2, d: { negotiatedRpcVersion: 1 } }));
      if (msg.op !== 6 || !msg.d.requestType) return;
      const type = msg.d.requestType;
      this.requests.set(type, (this.requests.get(type) ?? 0) + 1);
      if (this.silent.has(type)) return;
      if (this.unavailable.has(type)) {
        const requestStatus = { result: false, code: 604, comment: 'Replay buffer is not available.' };
        return socket.send(JSON.stringify({ op: 7, d: { requestType: type, requestId: msg.d.requestId, requestStatus } }));
      }
      if (this.refused.has(type)) {
        const requestStatus = { result: false, code: 600, comment: 'refused by the test' };
        return socket.send(JSON.stringify({ op: 7, d: { requestType: type, requestId: msg.d.requestId, requestStatus } }));
      }
      const data: Record<string, unknown> = {
        GetCurrentProgramScene: { currentProgramSceneName: this.#program },
        GetStudioModeEnabled: { studioModeEnabled: false },
        GetStreamStatus: { outputActive: this.streaming },
        GetRecordStatus: { outputActive: false },
        GetReplayBufferStatus: { outputActive: this.#replayBuffer },
        GetSceneList: { currentProgramSceneName: this.#program, scenes: ['Board', 'Oven Cam'].map((sceneName, sceneIndex) => ({ sceneName, sceneIndex })) },
      };
      const answer = JSON.stringify({
        op: 7,
        d: { requestType: type, requestId: msg.d.requestId, requestStatus: { result: true, code: 100 }, responseData: data[type] ?? {} },
      });
      if (type === 'SaveReplayBuffer') {
        socket.send(answer);
        return socket.send(event('ReplayBufferSaved', { savedReplayPath: this.savedReplayPath }));
      }
      if (type !== 'SetCurrentProgramScene') return socket.send(answer);
      this.#program = msg.d.requestData?.sceneName ?? this.#program;
      const hand = this.handChangeWith;
      if (hand === undefined) return socket.send(answer);
      this.handChangeWith = undefined;
      // Corked, the three frames leave in one write, so the client parses them in one go.
      const tcp = (socket as unknown as { _socket: Socket })._socket;
      tcp.cork();
      socket.send(programChanged(this.#program));
      socket.send(answer);
      socket.send(programChanged(hand));
      this.#program = hand;
      process.nextTick(() => tcp.uncork());
    });
  }

  close(): Promise<void> {
    for (const c of this.server.clients) c.terminate();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function programChanged(sceneName: string): string {
  return event('CurrentProgramSceneChanged', { sceneName });
}

function event(eventType: string, eventData: Record<string, unknown>): string {
  return JSON.stringify({ op: 5, d: { eventType, eventIntent: 4, eventData } });
}
