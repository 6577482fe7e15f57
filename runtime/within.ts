/** `work`, or a rejection once `ms` pass: for checks that must answer even when a dependency hangs. */
export function within<T>(ms: number, work: Promise<T>, what = 'the check'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
