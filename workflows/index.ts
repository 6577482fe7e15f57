// Everything the worker's workflow bundle exposes.
export { orderWorkflow } from './order/workflow';
export { refundWorkflow } from './refund/workflow';
export { complaintWorkflow } from './complaint/workflow';
export { campaignWorkflow } from './campaign/workflow';
export { priceChangeWorkflow } from './price-change/workflow';
