// Starts n cases with at most `concurrency` start calls in flight; what follows a start (driving the case to
// its close) runs on without holding a slot, so starts/s measures the start path and closes/s the whole flow.
/** Wrapped: a promise resolving to a promise would wait for the rest too. */
export interface Started {
  rest: Promise<void>;
}

export async function pool(n: number, concurrency: number, start: (i: number) => Promise<Started>): Promise<unknown[]> {
  let next = 0;
  const errors: unknown[] = [];
  const rest: Promise<void>[] = [];
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      try {
        const { rest: after } = await start(i);
        rest.push(after.catch((err: unknown) => void errors.push(err)));
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, lane));
  await Promise.all(rest);
  return errors;
}
