// The messages are defined once in domain/messages/refund.ts; the API and the refund workflow share them.
export * from '../../domain/messages/refund';
