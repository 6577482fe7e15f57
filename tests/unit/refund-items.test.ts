// R4: the goods a refund takes back, checked against the order's lines and earlier refunds.
import { itemProblems, sumBySku } from '../../domain/refund';

const order = [
  { sku: 'TEA-1', quantity: 2 },
  { sku: 'CUP-1', quantity: 1 },
  { sku: 'TEA-1', quantity: 1 },
];

it('R4: lines of one sku add up', () => {
  expect(sumBySku(order)).toEqual([
    { sku: 'TEA-1', quantity: 3 },
    { sku: 'CUP-1', quantity: 1 },
  ]);
});

it('R4: goods on the order within what is left pass', () => {
  expect(
    itemProblems(
      order,
      [{ sku: 'TEA-1', quantity: 1 }],
      [
        { sku: 'TEA-1', quantity: 2 },
        { sku: 'CUP-1', quantity: 1 },
      ],
    ),
  ).toEqual([]);
});

it('R4: a sku not on the order, and more than bought minus already returned, are named by field', () => {
  expect(
    itemProblems(
      order,
      [{ sku: 'TEA-1', quantity: 2 }],
      [
        { sku: 'MUG-9', quantity: 1 },
        { sku: 'TEA-1', quantity: 1 },
        { sku: 'TEA-1', quantity: 1 },
      ],
    ),
  ).toEqual([
    { field: 'body.items.0.sku', reason: 'sku MUG-9 is not on the order' },
    {
      field: 'body.items.2.quantity',
      reason: 'the order bought 3 of TEA-1 and 2 are already refunded or returned: at most 1 left',
    },
  ]);
});
