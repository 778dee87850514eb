import { RTMP_MODULE } from '../helpers/rtmp-server.js';
import { ensureTool } from './ensure-tool.js';

/** Brings up what the suite needs that npm cannot install. */
export default function setup(): void {
  ensureTool('redis-server', ['redis-server']);
  ensureTool('mosquitto', ['mosquitto']);
  ensureTool('chromium', ['chromium', 'fonts-dejavu-core']);
  ensureTool('obs', ['obs-studio', 'obs-plugins', 'xvfb']);
  ensureTool('Xvfb', ['xvfb']);
  ensureTool('pdftoppm', ['poppler-utils']);
  // A real RTMP server for a real OBS to stream to (test/helpers/rtmp-server.ts runs its own nginx; the
  // package's system service is not used, and ensureTool keeps apt from starting it).
  ensureTool('nginx', ['nginx', 'libnginx-mod-rtmp'], [RTMP_MODULE]);
}
