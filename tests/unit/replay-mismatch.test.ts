// Reading the SDK's replay failures (messages as sdk-core 1.24 words them, wrapped as the TS SDK wraps them).
import { describeMismatch } from '../../worker/replay';

const wrapped = (name: string, coreMessage: string) =>
  Object.assign(
    new Error(
      `Replay failed with a nondeterminism error. Details: Workflow activation completion failed: Failure { failure: Some(Failure { message: ${JSON.stringify(coreMessage)}, source: "", stack_trace: "" }) }`,
    ),
    { name },
  );
const history = {
  events: [
    { eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' },
    {
      eventId: '5',
      eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      activityTaskScheduledEventAttributes: { activityType: { name: 'recordTransition' } },
    },
  ],
};

it('a command the history does not have: event id, the recorded event (with its activity name) and the command the code issued', () => {
  const m = describeMismatch(
    wrapped(
      'DeterminismViolationError',
      '[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)',
    ),
    history,
  );
  expect(m).toEqual({
    kind: 'nondeterminism',
    eventId: 5,
    expected: 'ActivityTaskScheduled (recordTransition)',
    got: expect.stringContaining('StartTimer'),
    message:
      '[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)',
  });
});

it('a step the code no longer takes: "No command scheduled for event"', () => {
  const m = describeMismatch(
    wrapped(
      'DeterminismViolationError',
      '[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: 9, TimerStarted)',
    ),
  );
  expect(m).toMatchObject({ eventId: 9, expected: 'TimerStarted', got: expect.stringMatching(/^no command/) });
});

it('another activity in the same place: both activity types, no event id (the SDK names none)', () => {
  const m = describeMismatch(
    wrapped(
      'DeterminismViolationError',
      "[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'notifyStaff' does not match activity type of activity command 'sendSms'",
    ),
  );
  expect(m).toMatchObject({ kind: 'nondeterminism', eventId: null, expected: 'notifyStaff', got: 'sendSms' });
});

it('a patch marker whose patched() call was removed', () => {
  const m = describeMismatch(
    wrapped(
      'DeterminismViolationError',
      '[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change order-extra-timer, but there is no corresponding change command!',
    ),
  );
  expect(m).toMatchObject({ expected: 'patch marker order-extra-timer', got: 'no patched() call for it' });
});

it("a workflow task failure keeps the code's own error message, without the SDK wrapper", () => {
  const m = describeMismatch(wrapped('ReplayError', 'amount must be an integer number of minor units, got undefined'));
  expect(m).toEqual({
    kind: 'workflow_task_failure',
    eventId: null,
    expected: null,
    got: null,
    message: 'amount must be an integer number of minor units, got undefined',
  });
});

it('Rust-style escapes in the quoted message are read back; an unreadable one leaves the text as it came', () => {
  const raw = (inner: string) =>
    Object.assign(
      new Error(`Replay failed. Details: Failure { failure: Some(Failure { message: "${inner}", source: "" }) }`),
      { name: 'ReplayError' },
    );
  expect(describeMismatch(raw('bad \\"input\\"\\u{1b}[0m\\nnext')).message).toBe('bad "input"\u001b[0m\nnext');
  expect(describeMismatch(raw('odd \\q escape')).message).toBe('odd \\q escape');
});
