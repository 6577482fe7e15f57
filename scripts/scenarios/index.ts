// Every process whose histories tests/replay keeps. A new process adds one line here.
import { complaintScenarios } from './complaint';
import { campaignScenarios, priceChangeScenarios } from './marketing';
import { orderScenarios } from './order';
import { refundScenarios } from './refund';
import type { ProcessScenarios } from './types';

export const PROCESS_SCENARIOS: ProcessScenarios[] = [
  orderScenarios,
  refundScenarios,
  complaintScenarios,
  campaignScenarios,
  priceChangeScenarios,
];
