// Which failures mean "a dependency is away for now" (503 + Retry-After) and which are real answers.
import { queryFailureReason, unavailableDependency } from '../../runtime/unavailable';

/** A Temporal client failure as the SDK throws it: a ServiceError whose cause carries the gRPC status. */
const grpc = (code: number) =>
  Object.assign(new Error('Failed to query Workflow'), {
    cause: Object.assign(new Error(`${code} grpc`), { code, details: '' }),
  });
const pg = (props: Record<string, unknown>, message = 'pg') => Object.assign(new Error(message), props);

describe('unavailableDependency', () => {
  it.each([
    ['Temporal UNAVAILABLE', grpc(14), 'temporal'],
    ['Temporal DEADLINE_EXCEEDED', grpc(4), 'temporal'],
    ['PostgreSQL refusing connections', pg({ code: 'ECONNREFUSED', syscall: 'connect' }), 'postgres'],
    ['PostgreSQL shutting down (57P01)', pg({ code: '57P01', severity: 'FATAL' }), 'postgres'],
    ['PostgreSQL starting up (57P03)', pg({ code: '57P03', severity: 'FATAL' }), 'postgres'],
    ['a connection lost mid-query', pg({}, 'Connection terminated unexpectedly'), 'postgres'],
    ['the pool waiting too long for a connection', pg({}, 'timeout exceeded when trying to connect'), 'postgres'],
  ])('%s is %s away', (_name, err, dep) => {
    expect(unavailableDependency(err)).toBe(dep);
  });

  it.each([
    ['a bug', new TypeError('x is undefined')],
    ['a constraint violation', pg({ code: '23505', severity: 'ERROR' })],
    ['a bad value PostgreSQL refuses (22P02)', pg({ code: '22P02', severity: 'ERROR' })],
    ['Temporal NOT_FOUND', grpc(5)],
  ])('%s is not an outage (it stays a 500 or its own answer)', (_name, err) => {
    expect(unavailableDependency(err)).toBeUndefined();
  });
});

describe('queryFailureReason', () => {
  it('names why a live state query could not be answered now', () => {
    expect(queryFailureReason(grpc(9))).toMatch(/failing its tasks/);
    expect(queryFailureReason(grpc(4))).toMatch(/did not answer in time/);
    expect(queryFailureReason(grpc(14))).toMatch(/Temporal is not answering/);
    expect(
      queryFailureReason(Object.assign(new Error('unknown queryType state'), { name: 'QueryNotRegisteredError' })),
    ).toMatch(/cannot answer/);
  });

  it('leaves real answers alone', () => {
    expect(queryFailureReason(grpc(5))).toBeUndefined();
    expect(queryFailureReason(new Error('boom'))).toBeUndefined();
  });
});
