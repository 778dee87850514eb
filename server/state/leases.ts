/**
 * One holder at a time among the hubs that share a state: the hub holding a lease does a shared duty
 * (posting an alert to the webhook) so that N hubs post once.
 */
export interface Leases {
  /** True while `holder` holds `name` (taken now if free, renewed if already its own), for `ms` more. */
  hold(name: string, holder: string, ms: number): Promise<boolean>;
}
