// The watchdog process: holds a pipe from the launcher and kills the registered process groups when the
// pipe closes, i.e. when the launcher dies for any reason, even SIGKILL. Commands, one a line on stdin:
// "add PID SIGNAL", "del PID", "done" (the launcher stopped everything itself).
import { eachLine } from './lines';

process.title = 'stack-watchdog';
const groups = new Map<number, NodeJS.Signals>();
// a terminal's Ctrl-C or hang-up reaches the whole foreground group: outlive it, to reap what the launcher leaves
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => undefined);

const alive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
const kill = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
};

let reaping = false;
function reap(): void {
  if (reaping) return;
  reaping = true;
  for (const [pid, sig] of groups) kill(pid, sig);
  const started = Date.now();
  setInterval(() => {
    const left = [...groups.keys()].filter(alive);
    if (left.length === 0) process.exit(0);
    if (Date.now() - started > 10_000) {
      for (const pid of left) kill(pid, 'SIGKILL');
      process.exit(0);
    }
  }, 200);
}

eachLine(process.stdin, (line) => {
  const [cmd, pid, sig] = line.split(' ');
  if (cmd === 'add') groups.set(Number(pid), (sig || 'SIGTERM') as NodeJS.Signals);
  else if (cmd === 'del') groups.delete(Number(pid));
  else if (cmd === 'done') {
    groups.clear();
    process.exit(0);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
