// `npm start` as a child process, as a user runs it: started until it prints that it is ready,
// stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningNpmStart {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

export async function startNpmStart(options: { port: number; dataDir: string; env?: Record<string, string>; readyWithinMs?: number }): Promise<RunningNpmStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: String(options.port), SMEFIN_DATA_DIR: options.dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + (options.readyWithinMs ?? 90_000);
  while (!output.includes('Press Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => output };
}

/** SIGTERM; resolves with the exit code. */
export function stopNpmStart(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}
