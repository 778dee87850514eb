/**
 * Mappings shipped with the hub, as JSONata expressions like a store owner's own (docs/protocol.md, "Webhook door",
 * has each field's mapping). Nothing private reaches the board: no e-mail, phone, address or customer name. The
 * board's `name` is shown on a public screen, so the presets leave it out; the number is what a customer is called by.
 */

/**
 * Shopify's order webhooks (`orders/create`, `orders/updated`: the Order resource; `fulfillments/create`: the
 * Fulfillment resource), told apart by `X-Shopify-Topic` (`$topic`). The board's id is `shopify-<order id>` for
 * both, so a fulfillment moves the order it belongs to. `name` ("#1001") less its `#` is the board's number; a
 * fulfillment's name is the order's with `.1`, `.2` after it. Line items become items: `sku` (or `variant-<id>`
 * when a product has none), `quantity`, `variant_title` as the variant. `cancelled_at` set: cancelled;
 * `fulfillment_status` "fulfilled", or a fulfillment with status "success": picked up; otherwise queued.
 * `updated_at` is the order's `updatedAt`, so a late or repeated delivery never overwrites a newer one.
 * `orders/create` and `orders/updated` also give the sale, every line item (made on site or not): `sku`, `quantity`,
 * `price` as its unit price, with the order's `total_price`, `currency`, `created_at`, `updated_at` (the version's
 * time: the report keeps the latest, whatever order the deliveries came in) and whether it was cancelled; nothing of
 * the customer.
 */
const SHOPIFY_ORDERS = `(
  $orderNumber := function($name) { $substringBefore($replace($string($name), /^#/, ''), '.') };
  $time := function($t) { $t ? $toMillis($t) : $millis() };
  $items := function($lines) {
    [$lines[quantity > 0].$merge([
      { 'sku': $substring(sku ? $string(sku) : 'variant-' & $string(variant_id), 0, 64), 'qty': quantity },
      variant_title ? { 'variant': $substring(variant_title, 0, 64) } : {}
    ])]
  };
  $sale := function($o) {
    {
      'id': $string($o.id),
      'items': [$o.line_items[quantity > 0].$merge([
        { 'sku': $substring(sku ? $string(sku) : 'variant-' & $string(variant_id), 0, 64), 'qty': quantity },
        price ? { 'unitPrice': $number(price) } : {}
      ])],
      'total': $o.total_price ? $number($o.total_price),
      'currency': $o.currency,
      'placedAt': $o.created_at ? $toMillis($o.created_at),
      'updatedAt': $o.updated_at ? $toMillis($o.updated_at),
      'cancelled': $o.cancelled_at ? true
    }
  };
  $topic = 'fulfillments/create'
    ? (status = 'success' ? {
        'id': 'shopify-' & $string(order_id),
        'number': $orderNumber(name),
        'items': $items(line_items),
        'status': 'picked_up',
        'updatedAt': $time(updated_at)
      })
    : $topic in ['orders/create', 'orders/updated'] ? {
        'id': 'shopify-' & $string(id),
        'number': $orderNumber(name),
        'items': $items(line_items),
        'status': cancelled_at ? 'cancelled' : fulfillment_status = 'fulfilled' ? 'picked_up' : 'queued',
        'updatedAt': $time(updated_at),
        'sale': $sale($$)
      }
)`;

/**
 * A simple POS that sends `{ id, number, items: [{ sku, qty, variant? }], status?, updatedAt? }`: taken as it
 * is, `status` queued and `updatedAt` the time of arrival when it has none. Any other field (a name) is left out.
 */
const GENERIC_JSON = `{
  'id': $string(id),
  'number': $string(number),
  'items': [items.$merge([{ 'sku': $string(sku), 'qty': qty }, variant ? { 'variant': $string(variant) } : {}])],
  'status': status ? status : 'queued',
  'updatedAt': updatedAt ? updatedAt : $millis()
}`;

export const PRESETS = Object.freeze({ 'shopify-orders': SHOPIFY_ORDERS, 'generic-json': GENERIC_JSON });
export const PRESET_NAMES = ['shopify-orders', 'generic-json'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
