/**
 * `npm run audit:verify-archive`: walks the history archive's hash chain (DATABASE_URL) and reports
 * the first entry that does not hold. Exit 0 when the whole chain holds, 1 on tampering, 2 on setup errors.
 * Prints the head hash: kept somewhere else, it also reveals a later truncation of the chain.
 */
import { createPool } from '../db/pool';
import { verifyChain, type ChainReport } from '../store/history-archive';

export function describeReport(r: ChainReport): string {
  if (r.ok) {
    return r.head
      ? `archive chain OK: ${r.entries} entries; head #${r.head.seq} ${r.head.entryHash}`
      : 'archive chain OK: the archive is empty';
  }
  const b = r.firstBroken!;
  return `archive chain BROKEN at entry #${b.seq} (${b.workflowId} run ${b.runId}): ${b.problem}; ${r.entries} entries before it hold`;
}

async function main(): Promise<number> {
  if (!process.env.DATABASE_URL) {
    process.stderr.write('DATABASE_URL is required\n');
    return 2;
  }
  const pool = createPool(process.env.DATABASE_URL, { name: 'verify-archive', max: 1 });
  try {
    const report = await verifyChain(pool);
    (report.ok ? process.stdout : process.stderr).write(`${describeReport(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error('verify-archive failed:', err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
