import type { MadeCredentials } from './credentials.js';

export const ROTATE_COMMAND = 'npm run credentials -- rotate api-token|staff-pin';

/**
 * What the operator reads on the terminal at each start: a made secret once, in full (it is kept
 * only as a digest, so it can never be shown again), and every time where they live and how to
 * change them. Terminal only: secrets stay out of the JSON log.
 */
export function credentialsNotice(made: MadeCredentials, where: string | undefined): string {
  const lines: string[] = [''];
  if (made.apiToken)
    lines.push('batchboard: made an API token (shown this once; write it down for your POS and scripts):', '', `  API_TOKEN=${made.apiToken}`, '');
  if (made.staffPin) lines.push(`batchboard: made a staff PIN (shown this once): ${made.staffPin}`, '');
  if (where) {
    lines.push(`batchboard: the API token and staff PIN not set in env are kept as digests in ${where}; a restart keeps them.`);
    lines.push(`batchboard: to change one: ${ROTATE_COMMAND} (prints the new one), then restart the hubs.`);
  } else lines.push('batchboard: the API token and staff PIN come from API_TOKEN and STAFF_PIN.');
  return `${lines.join('\n')}\n\n`;
}
