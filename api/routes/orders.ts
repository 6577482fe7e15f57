// /v1/orders: the order service starts orders, support audits them, WMS and carrier report events.
import {
  auditBody,
  carrierEventBody,
  exceptionResolutionBody,
  orderBody,
  presaleChoiceBody,
  warehouseEventBody,
} from '../schemas/orders';
import type { OrderService } from '../services/orders';
import type { CaseResourceDeclaration } from './case-resource';

export const orderResource: CaseResourceDeclaration<OrderService> = {
  type: 'order',
  prefix: '/v1/orders',
  tag: 'orders',
  id: 'orderId',
  start: {
    roles: ['orders'],
    summary: 'Start an order (idempotent by orderId)',
    body: orderBody,
    example: {
      orderId: 'A1001',
      customer: { id: 'C-1', name: '张三', phone: '13812341234' },
      address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88 号', detail: '3 幢 201' },
      items: [{ sku: 'TEA-1', name: 'Longjing tea 250g', quantity: 2, unitPrice: 5000 }],
      currency: 'CNY',
      paidAt: '2026-11-11T10:00:00+08:00',
    },
  },
  state: {
    roles: ['orders', 'support', 'finance', 'auditor'],
    summary: 'Live state of an order',
    description:
      'the order workflow state: stage, deadlines with due times, breaches, decisions, pending actions (personal data masked, O11)',
  },
  actions: {
    audit: {
      path: 'audit',
      roles: ['support'],
      summary: 'Manual audit decision (O4)',
      body: auditBody,
      update: 'audit',
      actor: 'reviewer',
    },
    exceptionResolution: {
      path: 'logistics-exception/resolution',
      roles: ['support'],
      summary: 'Reship or refund after loss or damage (O10)',
      body: exceptionResolutionBody,
      update: 'resolveException',
      actor: 'agent',
    },
    presaleChoice: {
      path: 'presale-choice',
      roles: ['orders', 'crm'],
      summary: "The buyer's answer to a presale notice: wait, exchange or refund (O5)",
      body: presaleChoiceBody,
      update: 'presaleChoice',
      actor: 'by',
    },
  },
  // answered 202 once the event is durably with the workflow; duplicates are ignored by eventId
  webhooks: {
    warehouseEvents: {
      path: 'warehouse-events',
      role: 'warehouse',
      summary: 'WMS webhook: waybill_printed, picked, packed, handed_over (duplicates ignored by eventId)',
      body: warehouseEventBody,
      signal: 'warehouseEvent',
    },
    carrierEvents: {
      path: 'carrier-events',
      role: 'carrier',
      summary: 'Carrier webhook: tracking events until delivery (duplicates ignored by eventId)',
      body: carrierEventBody,
      signal: 'carrierEvent',
    },
  },
};
