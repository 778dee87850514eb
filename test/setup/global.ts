import { ensureTool } from './ensure-tool.js';

/** Brings up what the suite needs that npm cannot install. */
export default function setup(): void {
  ensureTool('redis-server', ['redis-server']);
  ensureTool('mosquitto', ['mosquitto']);
  ensureTool('chromium', ['chromium', 'fonts-dejavu-core']);
  ensureTool('obs', ['obs-studio', 'obs-plugins', 'xvfb']);
  ensureTool('Xvfb', ['xvfb']);
  ensureTool('pdftoppm', ['poppler-utils']);
}
