// `npm run dev`: the hub (restarting on change) plus Vite with hot reload for the screens.
import { spawn } from 'node:child_process';

const children = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/main.ts'], { stdio: 'inherit' }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--open', '/display/'], { stdio: 'inherit' }),
];
process.stderr.write('batchboard dev: hub on :8080, screens with hot reload on Vite\'s port (/display/, /kiosk/)\n');
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', stop);
