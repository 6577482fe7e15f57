// The catalog's prices: a price change (M8) and a campaign phase (M3) set them through the same activity.
import type { Clients } from './clients/systems';
import { external } from './common';

export function catalogActivities({ clients }: { clients: Clients }) {
  return {
    /** M8: the catalog takes the new price; the key makes it happen once. */
    applyPrice: (input: {
      key: string;
      ref: string;
      sku: string;
      price: number;
      currency: string;
      effectiveAt: string;
    }) =>
      external(() =>
        clients.catalog.setPrice(input.key, {
          ref: input.ref,
          sku: input.sku,
          price: input.price,
          currency: input.currency,
          effectiveAt: input.effectiveAt,
        }),
      ),
  };
}

export type CatalogActivities = ReturnType<typeof catalogActivities>;
