/**
 * Child-process servers for the HTTP bench: spawn, wait until they answer, sample their memory
 * from /proc (no code in the child), stop them by their own pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { sleep } from "./common.js";

export interface ChildServer {
  child: ChildProcess;
  pid: number;
  url: string;
  /** What the child wrote on stderr (last 4 KiB), for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const START_TIMEOUT_MS = 120_000;

export async function startChild(opts: {
  args: string[];
  env: Record<string, string | undefined>;
  /** Known up front (keyhaven), or read from the child's first stdout line `{"port":…}` (bare server). */
  port?: number;
  healthPath: string;
  cwd: string;
}): Promise<ChildServer> {
  const child = spawn(process.execPath, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    // stdout: the bare server reports its port there; keyhaven's request log goes to /dev/null.
    stdio: ["ignore", opts.port === undefined ? "pipe" : "ignore", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4096);
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  let port = opts.port;
  if (port === undefined) {
    port = await new Promise<number>((resolve, reject) => {
      let buf = "";
      child.stdout!.on("data", (d: Buffer) => {
        buf += d.toString();
        const m = /"port":(\d+)/.exec(buf);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
    });
  }
  const url = `http://127.0.0.1:${port}`;
  // Generous: a cold tsx start on a loaded 2-core CI machine has taken over 30 s.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`server exited before answering: ${err}`);
    try {
      const res = await fetch(url + opts.healthPath);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not answer ${opts.healthPath} within ${START_TIMEOUT_MS / 1000} s: ${err}`);
    }
    await sleep(100);
  }
  return {
    child,
    pid: child.pid!,
    url,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(force);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** VmRSS / VmHWM of a process, in bytes (Linux /proc). */
export function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks of 1/100 s). */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak seen and the kernel's high-water mark. */
export function sampleRss(pid: number, everyMs = 100) {
  let peak = 0;
  const tick = () => {
    const m = procMemory(pid);
    if (m && m.rss > peak) peak = m.rss;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop(): { peakRss: number; hwm: number } {
      clearInterval(timer);
      tick();
      return { peakRss: peak, hwm: procMemory(pid)?.hwm ?? NaN };
    },
  };
}

export const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Use dist/ only when it exists and no source file is newer than it (a stale build would measure old code). */
export function distState(root: string): { use: boolean; why: string } {
  if (process.env.KEYHAVEN_FROM_SOURCE === "1") return { use: false, why: "KEYHAVEN_FROM_SOURCE=1" };
  const cli = path.join(root, "dist/src/cli/main.js");
  if (!fs.existsSync(cli)) return { use: false, why: "no dist/ build" };
  const built = fs.statSync(cli).mtimeMs;
  const newer = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? newer(p) : /\.tsx?$/.test(e.name) && fs.statSync(p).mtimeMs > built;
    });
  return newer(path.join(root, "src")) ? { use: false, why: "dist/ is older than src/" } : { use: true, why: "" };
}
