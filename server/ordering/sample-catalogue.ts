import type { Catalogue } from '../../shared/schemas/catalogue.js';

/**
 * The menu a hub without a `catalogue` in its config shows, so that
 * `npm start` on a bare laptop gives a kiosk that works (and matches the
 * demo's simulated day). A store's own catalogue replaces it whole.
 */
export const SAMPLE_CATALOGUE: Catalogue = [
  {
    sku: 'cardamom-bun',
    name: 'Cardamom bun',
    description: 'Baked here, every 20 minutes',
    variants: [
      { id: 'classic', name: 'Classic' },
      { id: 'vegan', name: 'Vegan' },
      { id: 'pearl-sugar', name: 'Pearl sugar' },
    ],
    runSize: 12,
    runQuantity: 120,
    production: 'batch',
    runMinutes: 20,
    machineKind: 'oven',
  },
  {
    sku: 'cinnamon-knot',
    name: 'Cinnamon knot',
    variants: [
      { id: 'classic', name: 'Classic' },
      { id: 'orange', name: 'Orange zest' },
    ],
    runSize: 12,
    runQuantity: 80,
    production: 'batch',
    runMinutes: 20,
    machineKind: 'oven',
  },
  {
    sku: 'tote-print',
    name: 'Printed tote',
    description: 'Printed while you wait',
    variants: [
      { id: 'sand', name: 'Sand' },
      { id: 'ink', name: 'Ink' },
      { id: 'moss', name: 'Moss' },
    ],
    runSize: 4,
    runQuantity: 30,
    production: 'to-order',
    runMinutes: 6,
    machineKind: 'printer',
  },
];
