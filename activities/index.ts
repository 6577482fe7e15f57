// createActivities(deps): every piece of I/O the workflows need, with real dependencies injected by the
// worker (and by tests, pointing at the simulator and a real PostgreSQL). Grouped per process; each
// workflow proxies only the groups it calls (workflows/common/activities.ts). The worker registers them all.
import { campaignActivities } from './campaign';
import { catalogActivities } from './catalog';
import { commonActivities, type ActivityDeps } from './common';
import { complaintActivities } from './complaint';
import { moneyActivities } from './money';
import { orderActivities } from './order';
import { promotionActivities } from './promotions';
import { refundActivities } from './refund';

export type { ActivityDeps } from './common';

export function createActivities(deps: ActivityDeps) {
  return {
    ...commonActivities(deps),
    ...moneyActivities(deps),
    ...promotionActivities(deps),
    ...orderActivities(deps),
    ...refundActivities(deps),
    ...complaintActivities(deps),
    ...campaignActivities(deps),
    ...catalogActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
