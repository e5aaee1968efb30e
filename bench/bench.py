#!/usr/bin/env python3
"""Benchmarks of cluster mode on the sample application; bench/run.sh is the way in.

Every process it starts gets a process group of its own and is written to a registry
file, so that this script (and run.sh, should this script itself be killed) can end
them all. Only the Python standard library is used.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
SAMPLE_JAR = os.path.join(ROOT, "sample-app", "target", "sample-app.jar")
HARNESS_JAR = os.path.join(ROOT, "load-harness", "target", "load-harness.jar")
BENCH_JAR = os.path.join(BENCH, "bench-app", "target", "bench-app.jar")
BENCH_JETTY_JAR = os.path.join(BENCH, "bench-app", "target", "bench-app-jetty.jar")
BENCH_NETTY_JAR = os.path.join(BENCH, "bench-app", "target", "bench-app-netty.jar")
BENCH_TOMCAT_WEBFLUX_JAR = os.path.join(BENCH, "bench-app", "target", "bench-app-tomcat-webflux.jar")
JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
CPUS = os.cpu_count() or 1
CLK_TCK = os.sysconf("SC_CLK_TCK")

SECTIONS = ["throughput", "sizing", "kill", "rolling", "startup", "actuator", "messages", "servers", "server-rolling",
            "proxy"]

# The web servers of sections 8 to 10: (name, bench-app jar, JVM options; workers inherit them)
SERVERS = [
    ("Tomcat", BENCH_JAR, []),
    ("Jetty", BENCH_JETTY_JAR, []),
    ("Reactor Netty epoll", BENCH_NETTY_JAR, []),
    ("Reactor Netty NIO", BENCH_NETTY_JAR, ["-Dreactor.netty.native=false"]),
    ("Tomcat WebFlux", BENCH_TOMCAT_WEBFLUX_JAR, []),
]
PROXY_SERVERS = [server for server in SERVERS if server[0] in ("Tomcat", "Reactor Netty epoll")]

FAILURE_KINDS = ["connect_refused", "connect_timeout", "reset", "closed_before_response", "incomplete_response",
                 "read_timeout", "other"]


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Processes


class Proc:
    """A process started in a new session (so its own process group), output to a file."""

    def __init__(self, bench, name, command, netns=None):
        self.bench = bench
        self.name = name
        self.log_path = os.path.join(bench.log_dir, name + ".log")
        full = (["ip", "netns", "exec", netns] if netns else []) + command
        self.log = open(self.log_path, "ab")
        self.log.write(("$ " + " ".join(full) + "\n").encode())
        self.log.flush()
        self.started = time.monotonic()
        self.popen = subprocess.Popen(full, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True, cwd=bench.work_dir)
        self.pid = self.popen.pid
        bench.register(self)

    def alive(self):
        return self.popen.poll() is None

    def output(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, grace=25):
        """TERM to the whole group, then KILL whatever is left after the grace period."""
        try:
            if group_members(self.pid):
                os.killpg(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and (self.alive() or group_members(self.pid)):
                time.sleep(0.1)
            if group_members(self.pid):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
            deadline = time.monotonic() + 10
            while group_members(self.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        finally:
            self.log.close()
            self.bench.unregister(self)


def group_members(pgid):
    """Pids of the live processes in a process group (zombies excluded)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = proc_stat(int(entry))
        if stat and stat["pgrp"] == pgid and stat["state"] != "Z":
            members.append(int(entry))
    return members


def proc_stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return {"state": fields[0], "ppid": int(fields[1]), "pgrp": int(fields[2]),
            "cpu_ticks": int(fields[11]) + int(fields[12])}


def children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat and stat["ppid"] == pid and stat["state"] != "Z":
                kids.append(int(entry))
    return sorted(kids)


def event_loop_transport(pid):
    """epoll or nio, from the names of Reactor Netty's event loop threads in a process
    (reactor-http-epoll-N, reactor-http-nio-N); "threads" when it has none (Tomcat, Jetty)."""
    names = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                names.add(read_text(f"/proc/{pid}/task/{task}/comm"))
            except OSError:
                pass
    except OSError:
        return None
    # comm holds 15 characters: reactor-http-ep, reactor-http-ni
    if any(n.startswith("reactor-http-ep") for n in names):
        return "epoll"
    if any(n.startswith("reactor-http-ni") for n in names):
        return "nio"
    return "threads"


def worker_exits(proc):
    """The exits of workers a master logged, by cause: "none", or e.g. "2 (hung 2)"."""
    causes = re.findall(r"Worker \d+ \(pid \d+\) exited: ([\w -]+?) \(", proc.output())
    if not causes:
        return "none"
    counts = {c: causes.count(c) for c in dict.fromkeys(causes)}
    return f"{len(causes)} ({', '.join(f'{c} {n}' for c, n in counts.items())})"


def slug(text):
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()


def proc_mb(path, key):
    """A size in kB from a /proc file of "Key:  value kB" lines, in MB, or None."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def pss_mb(pid):
    """Proportional set size: each shared page counted in part, as many processes as map it."""
    return proc_mb(f"/proc/{pid}/smaps_rollup", "Pss:")


def rss_mb(pid):
    return proc_mb(f"/proc/{pid}/status", "VmRSS:")


def cpu_ms(pid):
    stat = proc_stat(pid)
    return stat["cpu_ticks"] * 1000 / CLK_TCK if stat else None


def loadavg():
    return " ".join(read_text("/proc/loadavg").split()[:3])


def read_text(path):
    with open(path) as f:
        return f.read().strip()


# ---------------------------------------------------------------------------------------
# HTTP and ports


def http_get(port, path, timeout=2.0):
    """One request on a new connection: (status, body) or None if it failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def get_json(port, path, timeout=2.0):
    answer = http_get(port, path, timeout)
    if answer and answer[0] == 200:
        try:
            return json.loads(answer[1])
        except ValueError:
            return None
    return None


_used_ports = set()


def free_port():
    """A port in 21000-21999 that nothing on this machine holds."""
    for _ in range(500):
        port = random.randint(21000, 21999)
        if port in _used_ports:
            continue
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("0.0.0.0", port))
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind(("::", port))
        except OSError:
            continue
        _used_ports.add(port)
        return port
    raise BenchError("No free port in 21000-21999")


def log_time(stamp):
    """The wall-clock time of a Spring Boot log line's timestamp (UTC, without its 'Z')."""
    return datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc).timestamp()


def wait_until(predicate, timeout, interval=0.05, what="condition", proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and not proc.alive():
            raise BenchError(f"{proc.name} exited while waiting for {what}; see {proc.log_path}")
        time.sleep(interval)
    raise BenchError(f"Timed out after {timeout}s waiting for {what}")


# ---------------------------------------------------------------------------------------
# Statistics and formatting


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def f0(v):
    return f"{v:,.0f}"


def f1(v):
    return f"{v:,.1f}"


def f2(v):
    return f"{v:,.2f}"


def duration_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return None
    value = float(match.group(1))
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[match.group(2)]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The benchmark


class Bench:

    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.results_dir = args.results_dir
        self.log_dir = os.path.join(self.results_dir, "logs")
        self.work_dir = os.path.join(self.results_dir, "work")
        os.makedirs(self.log_dir, exist_ok=True)
        os.makedirs(self.work_dir, exist_ok=True)
        self.registry = os.path.join(self.results_dir, "processes")
        self.netns_registry = os.path.join(self.results_dir, "namespaces")
        self.procs = []
        self.namespaces = []
        self.records = []
        self.summaries = []
        self.raw = open(os.path.join(self.results_dir, "raw.tsv"), "a")
        if self.raw.tell() == 0:
            self.raw.write("time\tsection\tcase\trep\tmetric\tvalue\tloadavg\n")
        q = self.quick
        self.reps = args.reps or (2 if q else 4)
        self.duration = args.duration or (5 if q else 6)
        self.warmup = 3 if q else 4
        self.kill_trials = 2 if q else 3
        self.rolling_trials = 1 if q else 3
        self.startup_reps = 1 if q else 3
        self.idle_seconds = 30 if q else 60
        self.actuator_duration = 3 if q else 5

    # -- bookkeeping

    def register(self, proc):
        self.procs.append(proc)
        self._write_registry()

    def unregister(self, proc):
        if proc in self.procs:
            self.procs.remove(proc)
            self._write_registry()

    def _write_registry(self):
        with open(self.registry, "w") as f:
            f.write("".join(f"{p.pid}\n" for p in self.procs))

    def add_namespace(self, name):
        self.namespaces.append(name)
        with open(self.netns_registry, "w") as f:
            f.write("".join(n + "\n" for n in self.namespaces))

    def remove_namespace(self, name):
        subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL, check=False)
        if name in self.namespaces:
            self.namespaces.remove(name)
        with open(self.netns_registry, "w") as f:
            f.write("".join(n + "\n" for n in self.namespaces))

    def cleanup(self):
        for proc in list(reversed(self.procs)):
            proc.stop(grace=10)
        for name in list(self.namespaces):
            self.remove_namespace(name)

    def record(self, section, case, rep, **metrics):
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        load = loadavg()
        entry = {"section": section, "case": case, "rep": rep, **metrics}
        self.records.append(entry)
        for metric, value in metrics.items():
            if isinstance(value, float):
                value = f"{value:.3f}"
            self.raw.write(f"{now}\t{section}\t{case}\t{rep}\t{metric}\t{value}\t{load}\n")
        self.raw.flush()
        return entry

    def select(self, section, case=None):
        return [r for r in self.records if r["section"] == section and (case is None or r["case"] == case)]

    def say(self, text):
        print(f"[{datetime.now().strftime('%H:%M:%S')}] {text}", flush=True)

    # -- starting things

    def start_app(self, name, workers, port, extra=(), netns=None, jar=SAMPLE_JAR, jvm=()):
        command = [JAVA, *jvm, "-jar", jar, "--server.address=127.0.0.1", f"--server.port={port}",
                   f"--cluster.workers={workers}", *extra]
        return Proc(self, name, command, netns=netns)

    def await_plain(self, proc, port, timeout=180):
        wait_until(lambda: (a := http_get(port, "/", 1.0)) and a[0] == 200, timeout, 0.02, f"{proc.name} to answer",
                   proc)
        return time.monotonic() - proc.started

    def await_cluster(self, proc, port, workers, timeout=240):
        def ready():
            state = get_json(port, "/actuator/cluster", 1.0)
            return state and state.get("listeningWorkers") == workers and len(children(proc.pid)) >= workers
        wait_until(ready, timeout, 0.02, f"{proc.name} to have {workers} workers listening", proc)
        return time.monotonic() - proc.started

    def await_log(self, proc, pattern, count=1, timeout=240):
        regex = re.compile(pattern)
        matches = wait_until(lambda: (m := regex.findall(proc.output())) and len(m) >= count and m, timeout, 0.1,
                             f"'{pattern}' in {proc.name}'s log", proc)
        return matches

    def harness(self, name, port, mode, connections, duration="180s", pause=None, netns=None):
        command = [JAVA, "-XX:TieredStopAtLevel=1", "-jar", HARNESS_JAR, "--url", f"http://127.0.0.1:{port}/",
                   "--mode", mode, "--connections", str(connections), "--duration", duration, "--read-timeout",
                   "20s", "--format", "tsv"]
        if pause:
            command += ["--pause", pause]
        return Proc(self, name, command, netns=netns)

    def harness_report(self, proc, timeout=60, finish=False):
        """Stop the harness with SIGTERM (it prints its report then), or let it finish its
        run, and read the report."""
        try:
            if finish:
                proc.popen.wait(timeout=timeout)
            proc.signal(signal.SIGTERM)
            proc.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        lines = [line for line in proc.output().splitlines() if "\t" in line]
        proc.stop(grace=5)
        if len(lines) < 2:
            raise BenchError(f"The load harness printed no report; see {proc.log_path}")
        report = dict(zip(lines[-2].split("\t"), lines[-1].split("\t")))
        return report

    def wrk(self, name, port, path, threads, connections, seconds):
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
                   f"http://127.0.0.1:{port}{path}"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
        with open(os.path.join(self.log_dir, name + ".wrk.log"), "a") as f:
            f.write(f"$ {' '.join(command)}   (load {loadavg()})\n{result.stdout}{result.stderr}\n")
        out = result.stdout
        figures = {}
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        figures["rps"] = float(match.group(1)) if match else None
        for pct in ("50", "90", "99"):
            match = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
            figures[f"p{pct}_ms"] = duration_ms(match.group(1)) if match else None
        match = re.search(r"(\d+) requests in", out)
        figures["requests"] = int(match.group(1)) if match else None
        errors = 0
        match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        if match:
            errors += sum(int(g) for g in match.groups())
        match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if match:
            errors += int(match.group(1))
        figures["errors"] = errors
        return figures

    def nginx(self, name, port, backends):
        run_dir = os.path.join(self.work_dir, name)
        os.makedirs(run_dir, exist_ok=True)
        servers = "".join(f"        server 127.0.0.1:{b};\n" for b in backends)
        user = "user root;\n" if os.geteuid() == 0 else ""
        config = f"""{user}worker_processes auto;
pid {run_dir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run_dir}/client_body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;
    upstream backends {{
{servers}        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""
        conf = os.path.join(run_dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(config)
        proc = Proc(self, name, ["nginx", "-e", "stderr", "-p", run_dir, "-c", conf, "-g", "daemon off;"])
        wait_until(lambda: (a := http_get(port, "/", 1.0)) and a[0] == 200, 30, 0.05, "nginx to answer", proc)
        return proc

    # -- shared by sections 1 and 2

    def measure_targets(self, section, targets, endpoints, threads=2, connections=64):
        """wrk every target on every endpoint, reps times, in a rotating order."""
        for path in endpoints:
            for case, port in targets:
                self.wrk(f"{section}-warmup", port, path, threads, connections, self.warmup)
        for rep in range(1, self.reps + 1):
            order = targets[rep % len(targets):] + targets[:rep % len(targets)]
            for path in endpoints:
                for case, port in order:
                    figures = self.wrk(f"{section}", port, path, threads, connections, self.duration)
                    entry = self.record(section, f"{case} {path}", rep, **figures)
                    self.say(f"  rep {rep} {case:<28} {path:<6} {f0(figures['rps'] or 0):>8} req/s, "
                             f"p99 {figures['p99_ms']} ms, errors {figures['errors']}")

    # ---------------------------------------------------------------------------------
    # 1. Throughput and p99

    def throughput(self):
        plain_port, one_port, cluster_port, b1, b2, nginx_port = (free_port() for _ in range(6))
        self.say(f"Starting one plain JVM, a cluster of 1, a cluster of 2 and two plain JVMs behind nginx (ports "
                 f"{plain_port}, {one_port}, {cluster_port}, {nginx_port})")
        plain = self.start_app("throughput-plain", 0, plain_port)
        one = self.start_app("throughput-cluster1", 1, one_port)
        cluster = self.start_app("throughput-cluster2", 2, cluster_port)
        back1 = self.start_app("throughput-backend1", 0, b1)
        back2 = self.start_app("throughput-backend2", 0, b2)
        proxy = None
        try:
            self.await_plain(plain, plain_port)
            self.await_cluster(one, one_port, 1)
            self.await_cluster(cluster, cluster_port, 2)
            self.await_plain(back1, b1)
            self.await_plain(back2, b2)
            proxy = self.nginx("throughput-nginx", nginx_port, [b1, b2])
            targets = [("plain JVM", plain_port), ("cluster of 2", cluster_port), ("nginx + 2 JVMs", nginx_port),
                       ("cluster of 1", one_port)]
            self.measure_targets("throughput", targets, ["/", "/work"])
        finally:
            for proc in (cluster, one, plain, back1, back2):
                proc.stop()
            if proxy is not None:
                proxy.stop()
        self.summaries.append(self.summarize_throughput())

    def summarize_throughput(self):
        rows = []
        ratios = []
        for path in ["/", "/work"]:
            by_case = {}
            for case in ["plain JVM", "cluster of 2", "nginx + 2 JVMs", "cluster of 1"]:
                entries = self.select("throughput", f"{case} {path}")
                by_case[case] = {e["rep"]: e for e in entries}
                rows.append([f"`{path}`", case, spread([e["rps"] for e in entries], f0),
                             spread([e["p99_ms"] for e in entries], f2),
                             sum(e["errors"] for e in entries)])
            for one, other in [("cluster of 2", "plain JVM"), ("cluster of 2", "nginx + 2 JVMs"),
                               ("cluster of 1", "plain JVM")]:
                per_rep = [by_case[one][r]["rps"] / by_case[other][r]["rps"]
                           for r in by_case[one] if r in by_case[other]
                           and by_case[other][r]["rps"] and by_case[one][r]["rps"]]
                ratios.append([f"`{path}`", f"{one} / {other}", spread(per_rep, f2)])
        text = f"### 1. Throughput and p99 (wrk -t2 -c64 -d{self.duration}s, keep-alive)\n\n"
        text += table(["Endpoint", "Setup", "req/s median (min–max)", "p99 ms median (min–max)", "errors"], rows)
        text += "\n\nRatios of req/s, per repetition (same run, rotating order):\n\n"
        text += table(["Endpoint", "Ratio", "median (min–max)"], ratios)
        return text

    # ---------------------------------------------------------------------------------
    # 2. JVM sizing of workers

    def sizing_variants(self):
        share = max(1, CPUS // 2)
        apc = f"-XX:ActiveProcessorCount={share}"
        return [
            ("defaults", []),
            (f"ActiveProcessorCount={share}", [f"--cluster.worker.jvm-args={apc}"]),
            (f"ActiveProcessorCount={share} +UseG1GC", [f"--cluster.worker.jvm-args={apc},-XX:+UseG1GC"]),
            ("heap-share=false", ["--cluster.worker.heap-share=false"]),
        ]

    def sizing(self):
        variants = self.sizing_variants()
        started = []
        try:
            for case, extra in variants:
                port = free_port()
                name = "sizing-" + re.sub(r"[^a-zA-Z0-9]+", "-", case).strip("-")
                started.append((case, port, self.start_app(name, 2, port, extra)))
            self.say(f"Starting {len(variants)} clusters of 2 at once: " + ", ".join(c for c, _ in variants))
            for case, port, proc in started:
                self.await_cluster(proc, port, 2)
                flags = self.worker_flags(children(proc.pid)[0])
                self.record("sizing", case, 0, **flags)
                self.say(f"  {case}: workers run {flags}")
            self.measure_targets("sizing", [(c, p) for c, p, _ in started], ["/", "/work"])
        finally:
            for _, _, proc in started:
                proc.stop()
        self.summaries.append(self.summarize_sizing())

    def worker_flags(self, pid):
        """The GC, heap and thread counts a worker's JVM chose, as jcmd reports them."""
        jcmd = os.path.join(os.environ["JAVA_HOME"], "bin", "jcmd") if os.environ.get("JAVA_HOME") else "jcmd"
        try:
            out = subprocess.run([jcmd, str(pid), "VM.flags", "-all"], capture_output=True, text=True,
                                 timeout=60).stdout
        except (OSError, subprocess.TimeoutExpired):
            return {"gc": "unknown"}

        def flag(name):
            match = re.search(rf"\s{name}\s+= (\S+)", out)
            return match.group(1) if match else None

        gc = next((g for g in ("G1", "Serial", "Parallel", "Z", "Shenandoah") if flag(f"Use{g}GC") == "true"), "?")
        heap = flag("MaxHeapSize")
        return {"gc": gc, "max_heap_mb": int(heap) // (1 << 20) if heap else None,
                "parallel_gc_threads": flag("ParallelGCThreads"), "conc_gc_threads": flag("ConcGCThreads"),
                "ci_compiler_count": flag("CICompilerCount")}

    def summarize_sizing(self):
        rows = []
        variants = [c for c, _ in self.sizing_variants()]
        for path in ["/", "/work"]:
            base = {e["rep"]: e["rps"] for e in self.select("sizing", f"defaults {path}")}
            for case in variants:
                flags = next((e for e in self.select("sizing", case) if e["rep"] == 0), {})
                entries = self.select("sizing", f"{case} {path}")
                rel = [e["rps"] / base[e["rep"]] for e in entries if base.get(e["rep"]) and e["rps"]]
                rows.append([f"`{path}`", case,
                             f"{flags.get('gc', '?')} GC, max heap {flags.get('max_heap_mb', '?')} MB, "
                             f"{flags.get('parallel_gc_threads', '?')}+{flags.get('conc_gc_threads', '?')} "
                             f"parallel+concurrent GC threads, {flags.get('ci_compiler_count', '?')} JIT threads",
                             spread([e["rps"] for e in entries], f0), spread([e["p99_ms"] for e in entries], f2),
                             spread(rel, f2)])
        text = f"### 2. JVM sizing of workers (cluster of 2, wrk -t2 -c64 -d{self.duration}s)\n\n"
        text += table(["Endpoint", "Workers", "What the workers' JVMs chose", "req/s median (min–max)",
                       "p99 ms median (min–max)", "req/s vs defaults, per rep"], rows)
        return text

    # ---------------------------------------------------------------------------------
    # 3. kill -9 under load

    def kill(self):
        for rep in range(1, self.kill_trials + 1):
            self.plain_start_from_log(rep)
        for spares in (0, 1):
            port = free_port()
            self.say(f"Starting a cluster of 2 with {spares} spare(s) on port {port} (cluster.restart.reset-after=5s, "
                     "so every kill restarts after the initial delay)")
            cluster = self.start_app(f"kill-cluster-spares{spares}", 2, port,
                                     ["--cluster.restart.reset-after=5s", f"--cluster.worker.spares={spares}"])
            try:
                self.await_cluster(cluster, port, 2)
                warmup = self.harness(f"kill-warmup-spares{spares}", port, "keep-alive", 16,
                                      duration=f"{self.warmup}s")
                self.harness_report(warmup, finish=True)
                for trial in range(1, self.kill_trials + 1):
                    self.kill_trial(cluster, port, trial, loaded=False, spares=spares)
                    self.kill_trial(cluster, port, trial, loaded=True, spares=spares)
            finally:
                cluster.stop()
        self.summaries.append(self.summarize_kill())

    STARTED = r"(\S+)Z\s+INFO.*Started SampleApplication in"

    def logged_ms(self, proc, pattern, since, timeout=240):
        """Milliseconds from a wall-clock time to the first log line of the process matching
        a pattern whose group is the line's timestamp (its JVM's clock, in UTC)."""
        return (log_time(self.await_log(proc, pattern, timeout=timeout)[0]) - since) * 1000

    def plain_start_from_log(self, rep):
        """One plain JVM of the sample app, timed as the idle kill trials are: from its
        launch to the 'Started' line of its log, with no request sent."""
        port = free_port()
        launched = time.time()
        proc = self.start_app(f"kill-plain-{rep}", 0, port)
        try:
            started_ms = self.logged_ms(proc, self.STARTED, launched)
            self.record("kill-plain", "plain JVM", rep, started_ms=started_ms)
            self.say(f"  plain JVM {rep}: started after {f0(started_ms)} ms (its log)")
        finally:
            proc.stop()

    def await_spares(self, port, spares, timeout=180):
        """Wait until the cluster has as many spares standing by (state SPARE) as asked for."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = get_json(port, "/actuator/cluster", 1.0)
            if state and sum(1 for w in state["workers"] if w["id"] == 0 and w["state"] == "SPARE") >= spares:
                return
            time.sleep(0.2)
        raise BenchError(f"No spare stood by within {timeout} s on port {port}")

    def kill_trial(self, cluster, port, trial, loaded, spares=0):
        slot = (trial - 1) % 2 + 1
        self.await_cluster(cluster, port, 2)
        if spares:
            self.await_spares(port, spares)
        time.sleep(6)  # longer than reset-after: the slot's restart delay starts over
        state = get_json(port, "/actuator/cluster")
        if not state:
            raise BenchError(f"/actuator/cluster did not answer on port {port}")
        # A spare (id 0) stands by, unseen: the first answer from it counts as the replacement's
        workers = {w["id"]: w["pid"] for w in state["workers"] if w["id"] != 0}
        if slot not in workers:
            raise BenchError(f"No worker in slot {slot}: {workers}")
        victim = workers[slot]
        old = set(workers.values())
        spare_pids = {w["pid"] for w in state["workers"] if w["id"] == 0}
        if set(children(cluster.pid)) != old | spare_pids:
            raise BenchError(f"The master's children {children(cluster.pid)} are not the workers {workers}")
        load = self.harness(f"kill-load-{trial}", port, "keep-alive", 16, pause="2ms") if loaded else None
        time.sleep(3)
        found = {}

        def first_answer():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and "first" not in found:
                answer = http_get(port, "/", 1.0)
                if answer and answer[0] == 200:
                    match = re.search(rb'"pid":(\d+)', answer[1])
                    if match and int(match.group(1)) not in old:
                        found["first"] = time.monotonic()
                        found["new_pid"] = int(match.group(1))
                time.sleep(0.005)

        # Probing over HTTP every few milliseconds is load of its own: with nothing else
        # running it slowed a replacement's start by 1.3 to 1.7 s on 2 processors. Capacity
        # comes from the master's log instead, and idle trials send no request at all.
        threads = [threading.Thread(target=first_answer, daemon=True)] if loaded else []
        killed_wall = time.time()
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        for t in threads:
            t.start()
        listening = self.await_listening(cluster, old, killed_wall)
        for t in threads:
            t.join(timeout=130)
        figures = {"loaded": loaded, "spares": spares}
        if loaded:
            time.sleep(2)
            report = self.harness_report(load)
            figures.update({k: int(report[k]) for k in ["requests", "successes", "non2xx", "failures",
                                                        *FAILURE_KINDS, "abandoned"]})
            figures["throughput_rps"] = float(report["throughput_rps"])
        figures["host_tcp_migrate_req"] = int(read_text("/proc/sys/net/ipv4/tcp_migrate_req"))
        figures["first_answer_ms"] = (found["first"] - killed) * 1000 if "first" in found else None
        figures["new_pid"] = listening[1] if listening else None
        figures["full_capacity_ms"] = (listening[0] - killed_wall) * 1000 if listening else None
        self.record("kill", f"worker {slot}", trial, **figures)
        if loaded:
            kinds = ", ".join(f"{k} {figures[k]}" for k in FAILURE_KINDS if figures[k])
            outcome = f"under load; {figures['failures']} failed of {figures['requests']} ({kinds or 'none'})"
        else:
            outcome = "idle"
        answered = (f"answered after {figures['first_answer_ms'] and f0(figures['first_answer_ms'])} ms, "
                    if loaded else "")
        self.say(f"  trial {trial}, {spares} spare(s): killed worker {slot} (pid {victim}) {outcome}; replacement "
                 f"{'(the spare) ' if figures.get('new_pid') in spare_pids else ''}{answered}2 listening after "
                 f"{figures['full_capacity_ms'] and f0(figures['full_capacity_ms'])} ms")

    LISTENING = re.compile(r"^(\S+)Z .* worker \d+ \(pid (\d+)\) listening on port", re.M)

    def await_listening(self, cluster, old, since, timeout=120):
        """When a worker not among the old ones started listening, from the sample app's
        log of the cluster's events in the master (its clock, to the millisecond), and its
        pid; None if none did within the timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stamp, pid in self.LISTENING.findall(cluster.output()):
                at = log_time(stamp)
                if int(pid) not in old and at >= since - 0.05:
                    return at, int(pid)
            time.sleep(0.02)
        return None

    def summarize_kill(self):
        columns = []
        for spares in (0, 1):
            every = [e for e in self.select("kill") if e.get("spares", 0) == spares]
            if every:
                columns.append((spares, [e for e in every if not e["loaded"]], [e for e in every if e["loaded"]]))
        if not columns:
            return ""

        def row(label, measure):
            return [label] + [measure(idle, loaded) for _, idle, loaded in columns]

        def kinds(entries):
            return ", ".join(f"{k} {v}" for k, v in {k: sum(e[k] for e in entries) for k in FAILURE_KINDS}.items()
                             if v) or "none"

        rows = [
            row("failed requests per kill", lambda i, l: spread([e["failures"] for e in l], f0)),
            row("  by kind, all trials together", lambda i, l: kinds(l)),
            row("non-2xx responses per kill", lambda i, l: spread([e["non2xx"] for e in l], f0)),
            row("requests per trial (3 s before the kill to 2 s after full capacity)",
                lambda i, l: spread([e["requests"] for e in l], f0)),
            row("load, req/s over the trial", lambda i, l: spread([e["throughput_rps"] for e in l], f0)),
            row("kill → replacement's first answered request, ms",
                lambda i, l: spread([e["first_answer_ms"] for e in l], f0)),
            row("kill → 2 workers listening again, ms", lambda i, l: spread([e["full_capacity_ms"] for e in l], f0)),
            row("without load (and no request sent): kill → 2 workers listening again, ms",
                lambda i, l: spread([e["full_capacity_ms"] for e in i], f0)),
        ]
        plain = {e["rep"]: e["started_ms"] for e in self.select("kill-plain")}
        if plain:
            rows.append(row("the same against a plain JVM's start of the same round (java -jar → 'Started' in its "
                            f"log: {spread(list(plain.values()), f0)} ms)",
                            lambda i, l: spread([e["full_capacity_ms"] / plain[e["rep"]] for e in i
                                                 if e["full_capacity_ms"] and plain.get(e["rep"])], f2)))
        loaded = [e for _, _, l in columns for e in l]
        idle = [e for _, i, _ in columns for e in i]
        migrate = sorted({str(e["host_tcp_migrate_req"]) for e in loaded})
        text = (f"### 3. kill -9 of one worker of 2, idle and under load, without and with a spare (load harness, "
                f"keep-alive, 16 connections, 2 ms pause; {len(idle)} + {len(loaded)} kills; host "
                f"tcp_migrate_req={'/'.join(migrate)})\n\n")
        headers = ["Measure"] + [("no spare" if spares == 0 else "cluster.worker.spares=1") + ", median (min–max)"
                                 for spares, _, _ in columns]
        return text + table(headers, rows)

    # ---------------------------------------------------------------------------------
    # 4. Rolling restart under load

    def rolling(self):
        for migrate in (0, 1):
            name = f"cbench-{os.getpid()}-m{migrate}"
            subprocess.run(["ip", "netns", "add", name], check=True)
            self.add_namespace(name)
            try:
                subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
                subprocess.run(["ip", "netns", "exec", name, "sysctl", "-q", "-w",
                                f"net.ipv4.tcp_migrate_req={migrate}"], check=True)
                self.rolling_in(name, migrate)
            finally:
                self.remove_namespace(name)
        self.summaries.append(self.summarize_rolling())

    def rolling_in(self, netns, migrate):
        port = 21000 + migrate
        self.say(f"Starting a cluster of 2 in network namespace {netns} (tcp_migrate_req={migrate})")
        cluster = self.start_app(f"rolling-m{migrate}-cluster", 2, port, netns=netns)
        try:
            self.await_log(cluster, r"Cluster ready: 2 workers listening")
            self.harness_report(self.harness(f"rolling-m{migrate}-warmup", port, "keep-alive", 8,
                                             duration=f"{self.warmup}s", netns=netns), finish=True)
            for trial in range(1, self.rolling_trials + 1):
                loads = {mode: self.harness(f"rolling-m{migrate}-{mode}-{trial}", port, mode, 8, pause="2ms",
                                            netns=netns)
                         for mode in ("keep-alive", "new-connection")}
                time.sleep(3)
                done = len(re.findall(r"Rolling restart complete", cluster.output()))
                cluster.signal(signal.SIGHUP)
                match = self.await_log(cluster, r"Rolling restart complete: (\d+) replaced in (\d+)ms", done + 1,
                                       timeout=300)[-1]
                time.sleep(2)
                for mode, load in loads.items():
                    report = self.harness_report(load)
                    figures = {k: int(report[k]) for k in ["requests", "successes", "non2xx", "failures",
                                                           *FAILURE_KINDS, "closed_before_response_reused",
                                                           "abandoned"]}
                    figures["restart_ms"] = int(match[1])
                    self.record("rolling", f"tcp_migrate_req={migrate} {mode}", trial, **figures)
                    kinds = ", ".join(f"{k} {figures[k]}" for k in FAILURE_KINDS if figures[k])
                    self.say(f"  trial {trial} {mode:<14}: {figures['failures']} failed of {figures['requests']} "
                             f"({kinds or 'none'}); restart took {match[1]} ms")
        finally:
            cluster.stop()

    def summarize_rolling(self):
        rows = []
        for migrate in (0, 1):
            for mode in ("keep-alive", "new-connection"):
                entries = self.select("rolling", f"tcp_migrate_req={migrate} {mode}")
                if not entries:
                    continue
                kinds = {k: sum(e[k] for e in entries) for k in FAILURE_KINDS}
                reused = sum(e["closed_before_response_reused"] for e in entries)
                described = ", ".join(f"{k} {v}" for k, v in kinds.items() if v) or "none"
                if reused:
                    described += f" ({reused} of them closed before the response on a reused keep-alive connection)"
                rows.append([str(migrate), mode, spread([e["failures"] for e in entries], f0), described,
                             sum(e["non2xx"] for e in entries), spread([e["requests"] for e in entries], f0),
                             spread([e["restart_ms"] / 1000 for e in entries], f1)])
        text = ("### 4. Rolling restart (SIGHUP) of a cluster of 2 under load, in a network namespace "
                "(load harness, 8 connections per mode, 2 ms pause)\n\n")
        return text + table(["tcp_migrate_req", "Load", "failed requests per restart, median (min–max)",
                             "by kind, all restarts", "non-2xx", "requests per restart window",
                             "restart took, s"], rows)

    # ---------------------------------------------------------------------------------
    # 5. Start-up and memory

    # Each case: (workers, class data); 0 workers is a plain JVM. Class data None is the default
    # (prepared by the master, once per build), "off" turns it off, and "recipe" is Spring Boot's
    # own class data recipe (the jar extracted, a training run, the JVM started from its archive),
    # which the master and its workers then start from alike
    STARTUP_CASES = [(0, None), (1, None), (1, "off"), (2, None), (2, "off"), (4, None), (4, "off"),
                     (0, "recipe"), (2, "recipe"), (4, "recipe")]

    STARTUP_LABELS = {None: "", "off": ", class data off", "recipe": ", Spring Boot's class data recipe"}

    def startup(self):
        cases = self.STARTUP_CASES
        self.prime_class_data()
        self.prepare_boot_recipe()
        for rep in range(1, self.startup_reps + 1):
            order = cases[rep % len(cases):] + cases[:rep % len(cases)]
            for case in order:
                idle = case == (2, None) and rep == self.startup_reps
                self.startup_once(case, rep, idle)
        self.summaries.append(self.summarize_startup())

    def prime_class_data(self):
        """Run the sample app once so that its class-data archive exists for the runs that use it."""
        port = free_port()
        self.say("Starting a cluster of 1 once so that the master prepares the class-data archive of this build")
        proc = self.start_app("startup-prime", 1, port)
        try:
            self.await_log(proc, r"Class data archive .* is ready|Workers start from class data archive|"
                                 r"Workers start without class data", timeout=300)
            self.await_cluster(proc, port, 1)
        finally:
            proc.stop()

    def prepare_boot_recipe(self):
        """Spring Boot's documented recipe: extract the jar, then a training run writes the archive."""
        directory = os.path.join(self.work_dir, "boot-recipe")
        shutil.rmtree(directory, ignore_errors=True)
        self.say(f"Extracting the sample app and running its training run (Spring Boot's recipe) in {directory}")
        subprocess.run([JAVA, "-Djarmode=tools", "-jar", SAMPLE_JAR, "extract", "--destination", directory],
                       check=True, stdout=subprocess.DEVNULL, timeout=300)
        self.recipe_jar = os.path.join(directory, os.path.basename(SAMPLE_JAR))
        self.recipe_archive = os.path.join(directory, "application.jsa")
        proc = self.start_app("startup-training-run", 2, free_port(), jar=self.recipe_jar,
                              jvm=[f"-XX:ArchiveClassesAtExit={self.recipe_archive}",
                                   "-Dspring.context.exit=onRefresh"])
        code = proc.popen.wait(timeout=300)
        if code != 0 or not os.path.exists(self.recipe_archive):
            raise RuntimeError(f"The training run exited with {code} and wrote no archive; see {proc.name}'s log")

    def startup_once(self, case, rep, idle):
        port = free_port()
        workers, class_data = case
        launched = time.time()
        name = ("plain" if workers == 0 else f"{workers}") + (f"-class-data-{class_data}" if class_data else "")
        if class_data == "recipe":
            proc = self.start_app(f"startup-{name}-{rep}", workers, port, jar=self.recipe_jar,
                                  jvm=[f"-XX:SharedArchiveFile={self.recipe_archive}"])
        else:
            extra = [f"--cluster.worker.class-data={class_data}"] if class_data else []
            proc = self.start_app(f"startup-{name}-{rep}", workers, port, extra)
        try:
            # Timed from the log, with no request until then: polling /actuator/cluster every
            # 20 ms made a cluster of 2 ready 0.5 to 1 s later on 2 processors
            if workers == 0:
                ready_ms = self.logged_ms(proc, self.STARTED, launched)
                self.await_plain(proc, port)
                figures = {"ready_ms": ready_ms, "master_rss_mb": rss_mb(proc.pid), "worker_rss_mb": None,
                           "total_rss_mb": rss_mb(proc.pid), "cpu_total_ms": cpu_ms(proc.pid),
                           "cpu_worker_ms": cpu_ms(proc.pid)}
            else:
                ready_ms = self.logged_ms(proc, r"(\S+)Z\s+INFO.*Cluster ready: ", launched)
                self.await_cluster(proc, port, workers)
                pids = children(proc.pid)
                worker_cpu = [cpu_ms(p) for p in pids]
                master_cpu = cpu_ms(proc.pid)
                output = proc.output()
                match = re.search(r"Cluster ready: .*, (\d+)ms after the master's JVM started", output)
                # The first fork: "Forked N workers ..." or, when they start a few at a time, "Forked 1 of N workers ..."
                forked = re.search(r"Forked \d+ (?:of \d+ )?workers.*?, (\d+)ms after the master's JVM started", output)
                worker_rss = [rss_mb(p) for p in pids]
                worker_pss = [pss_mb(p) for p in pids]
                figures = {"ready_ms": ready_ms, "logged_ready_ms": int(match.group(1)) if match else None,
                           "logged_forked_ms": int(forked.group(1)) if forked else None,
                           "master_rss_mb": rss_mb(proc.pid), "worker_rss_mb": median(worker_rss),
                           "worker_rss_each_mb": "/".join(f"{r:.0f}" for r in worker_rss),
                           "worker_pss_mb": median(worker_pss) if None not in worker_pss else None,
                           "total_rss_mb": rss_mb(proc.pid) + sum(worker_rss),
                           "cpu_total_ms": master_cpu + sum(worker_cpu) if None not in worker_cpu and master_cpu
                           else None,
                           "cpu_master_ms": master_cpu,
                           "cpu_worker_ms": median(worker_cpu) if None not in worker_cpu else None,
                           "class_data": "from archive" if "Workers start from class data archive" in output
                           else "your archive" if "they use the class data you chose" in output else "none"}
            label = ("plain JVM" if workers == 0 else f"cluster of {workers}") + self.STARTUP_LABELS[class_data]
            self.record("startup", label, rep, **figures)
            self.say(f"  rep {rep} {label:<13}: ready after {f0(figures['ready_ms'])} ms, RSS master "
                     f"{f0(figures['master_rss_mb'])} MB, workers {figures.get('worker_rss_each_mb', '-')} MB, "
                     f"total {f0(figures['total_rss_mb'])} MB, CPU {f0(figures['cpu_total_ms'])} ms")
            if idle:
                self.say(f"  letting the cluster of 2 idle for {self.idle_seconds} s")
                pids = children(proc.pid)
                before = cpu_ms(proc.pid), [cpu_ms(p) for p in pids]
                start = time.monotonic()
                time.sleep(self.idle_seconds)
                elapsed = time.monotonic() - start
                after = cpu_ms(proc.pid), [cpu_ms(p) for p in pids]
                master_cpu = after[0] - before[0]
                worker_cpu = [a - b for a, b in zip(after[1], before[1])]
                idle_figures = {"idle_s": elapsed, "master_cpu_ms": master_cpu,
                                "master_cpu_pct": master_cpu / (elapsed * 10),
                                "worker_cpu_ms": median(worker_cpu), "master_rss_mb": rss_mb(proc.pid),
                                "worker_rss_mb": median([rss_mb(p) for p in pids]),
                                "master_total_cpu_ms": after[0]}
                self.record("startup", "idle cluster of 2", rep, **idle_figures)
                self.say(f"  idle {elapsed:.0f} s: master used {master_cpu:.0f} ms of CPU "
                         f"({idle_figures['master_cpu_pct']:.2f} % of a core), RSS "
                         f"{f0(idle_figures['master_rss_mb'])} MB; each worker used "
                         f"{f0(idle_figures['worker_cpu_ms'])} ms")
        finally:
            proc.stop()

    def summarize_startup(self):
        rows = []
        plain_by_rep = {None: {e["rep"]: e["ready_ms"] for e in self.select("startup", "plain JVM")},
                        "recipe": {e["rep"]: e["ready_ms"] for e in
                                   self.select("startup", "plain JVM" + self.STARTUP_LABELS["recipe"])}}
        cpus = os.cpu_count() or 1
        for workers, class_data in self.STARTUP_CASES:
            label = ("plain JVM" if workers == 0 else f"cluster of {workers}") + self.STARTUP_LABELS[class_data]
            entries = self.select("startup", label)
            if not entries:
                continue
            # Per repetition: each against the plain start of the same round (from the same
            # archive for Spring Boot's recipe)
            plain = plain_by_rep["recipe" if class_data == "recipe" else None]
            ratios = [e["ready_ms"] / plain[e["rep"]] for e in entries if plain.get(e["rep"])]
            # The time the JVMs' CPU needs on this machine's processors if none ever waits
            floor = [e["cpu_total_ms"] / cpus for e in entries if e.get("cpu_total_ms")]
            archive = sorted({e.get("class_data", "-") for e in entries}) if workers else ["-"]
            rows.append([label, "/".join(archive), spread([e["ready_ms"] for e in entries], f0),
                         spread([e.get("logged_forked_ms") for e in entries], f0),
                         spread(ratios, f2) if ratios and workers else "-",
                         spread([e.get("cpu_total_ms") for e in entries], f0),
                         spread([e.get("cpu_worker_ms") for e in entries], f0),
                         spread(floor, f0),
                         spread([e["master_rss_mb"] for e in entries], f0),
                         spread([e["worker_rss_mb"] for e in entries], f0) if workers else "-",
                         spread([e.get("worker_pss_mb") for e in entries], f0) if workers else "-",
                         spread([e["total_rss_mb"] for e in entries], f0)])
        text = "### 5. Start-up and memory (sample app)\n\n"
        text += table(["Case", "workers' class data", "java -jar → ready, its log, ms", "master's own first 'Forked', ms",
                       "vs plain start of the same round", "CPU of all its JVMs until then, ms",
                       "CPU per worker (median), ms", f"that CPU spread over {cpus} processors, ms",
                       "master RSS MB", "worker RSS MB (median of workers)", "worker PSS MB (median)",
                       "total RSS MB"], rows)
        for e in self.select("startup", "idle cluster of 2"):
            text += (f"\n\nAfter {e['idle_s']:.0f} s idle with 2 workers: the master used {e['master_cpu_ms']:.0f} ms "
                     f"of CPU ({e['master_cpu_pct']:.2f} % of one core; {e['master_total_cpu_ms'] / 1000:.1f} s since "
                     f"it started), RSS {e['master_rss_mb']:.0f} MB; each worker used {e['worker_cpu_ms']:.0f} ms "
                     f"of CPU idling, RSS {e['worker_rss_mb']:.0f} MB.")
        return text

    # ---------------------------------------------------------------------------------
    # 6. Actuator latency

    def actuator(self):
        ports = {"plain": free_port(), 2: free_port(), 4: free_port()}
        self.say(f"Starting one plain JVM, a cluster of 2 and a cluster of 4 (ports {ports})")
        procs = {case: self.start_app(f"actuator-{case}", 0 if case == "plain" else case, port)
                 for case, port in ports.items()}
        try:
            self.await_plain(procs["plain"], ports["plain"])
            self.await_cluster(procs[2], ports[2], 2)
            self.await_cluster(procs[4], ports[4], 4)
            targets = [("plain JVM", ports["plain"], "/actuator/prometheus"),
                       ("plain JVM", ports["plain"], "/actuator/cluster"),
                       ("cluster of 2", ports[2], "/actuator/cluster"),
                       ("cluster of 2", ports[2], "/actuator/prometheus"),
                       ("cluster of 4", ports[4], "/actuator/cluster"),
                       ("cluster of 4", ports[4], "/actuator/prometheus")]
            for case, port, path in targets:
                self.wrk("actuator-warmup", port, "/", 1, 4, 1)
                # The merged scrape runs code in every JVM of the cluster (IPC, JSON, merging) that
                # the JIT compiles only after thousands of scrapes: measured cold, it looks 2x slower
                self.wrk("actuator-warmup", port, path, 1, 4, max(self.warmup, 30) if "prometheus" in path
                         else self.warmup)
                answer = http_get(port, path, 5.0)
                self.record("actuator", f"{case} {path}", 0, body_bytes=len(answer[1]) if answer else None)
            for rep in range(1, self.reps + 1):
                order = targets[rep % len(targets):] + targets[:rep % len(targets)]
                for case, port, path in order:
                    figures = self.wrk("actuator", port, path, 1, 4, self.actuator_duration)
                    self.record("actuator", f"{case} {path}", rep, **figures)
                    self.say(f"  rep {rep} {case:<13} {path:<21} p50 {figures['p50_ms']} ms, p99 "
                             f"{figures['p99_ms']} ms, {f0(figures['rps'] or 0)} req/s")
        finally:
            for proc in procs.values():
                proc.stop()
        self.summaries.append(self.summarize_actuator())

    def summarize_actuator(self):
        rows = []
        for case, path in [("plain JVM", "/actuator/prometheus"), ("cluster of 2", "/actuator/prometheus"),
                           ("cluster of 4", "/actuator/prometheus"), ("plain JVM", "/actuator/cluster"),
                           ("cluster of 2", "/actuator/cluster"), ("cluster of 4", "/actuator/cluster")]:
            entries = [e for e in self.select("actuator", f"{case} {path}") if e["rep"] > 0]
            size = next((e["body_bytes"] for e in self.select("actuator", f"{case} {path}") if e["rep"] == 0), None)
            if entries:
                rows.append([f"`{path}`", case, spread([e["p50_ms"] for e in entries], f2),
                             spread([e["p99_ms"] for e in entries], f2), spread([e["rps"] for e in entries], f0),
                             f1(size / 1024) if size else "n/a"])
        text = f"### 6. Actuator latency (wrk -t1 -c4 -d{self.actuator_duration}s)\n\n"
        return text + table(["Endpoint", "Served by", "p50 ms", "p99 ms", "req/s", "body KB"], rows)

    # ---------------------------------------------------------------------------------
    # 7. Messages

    def messages(self):
        port = free_port()
        round_trips, flood = (1000, 20000) if self.quick else (2000, 50000)
        self.say(f"Starting the benchmark application as a cluster of 2 on port {port}")
        cluster = self.start_app("messages-cluster", 2, port, jar=BENCH_JAR)
        try:
            self.await_log(cluster, r"Cluster ready: 2 workers listening")
            self.message_run(port, 500, 10000)
            for rep in range(1, self.reps + 1):
                result = self.message_run(port, round_trips, flood)
                rtt, fl = result["roundTripMicros"], result["flood"]
                figures = {"worker": result["worker"], "rtt_p50_us": rtt["p50"], "rtt_p90_us": rtt["p90"],
                           "rtt_p99_us": rtt["p99"], "rtt_max_us": rtt["max"], "round_trips": result["roundTrips"],
                           "flood_messages": fl["messages"], "flood_received": fl["receivedByMaster"],
                           "flood_per_s": fl["perSecond"], "flood_refused": fl["refusedWhileQueueFull"],
                           "flood_handover_s": fl["handOverSeconds"], "flood_s": fl["seconds"]}
                self.record("messages", "worker → master", rep, **figures)
                self.say(f"  rep {rep} (worker {result['worker']}): round trip p50 {rtt['p50']} µs, p99 {rtt['p99']} "
                         f"µs; flood {f0(fl['perSecond'])} msg/s, {fl['receivedByMaster']} of {fl['messages']} "
                         f"received, queue full {fl['refusedWhileQueueFull']} times")
        finally:
            cluster.stop()
        self.summaries.append(self.summarize_messages())

    def message_run(self, port, round_trips, flood):
        answer = http_get(port, f"/bench/messages?warmup=500&roundTrips={round_trips}&flood={flood}", 300)
        if not answer or answer[0] != 200:
            raise BenchError(f"/bench/messages failed: {answer}")
        return json.loads(answer[1])

    def summarize_messages(self):
        entries = self.select("messages")
        if not entries:
            return ""
        rows = [
            ["round trip worker → master → worker, p50 µs", spread([e["rtt_p50_us"] for e in entries], f0)],
            ["round trip, p90 µs", spread([e["rtt_p90_us"] for e in entries], f0)],
            ["round trip, p99 µs", spread([e["rtt_p99_us"] for e in entries], f0)],
            ["messages per second, one worker to the master", spread([e["flood_per_s"] for e in entries], f0)],
            ["messages lost (sent − counted by the master)",
             spread([e["flood_messages"] - e["flood_received"] for e in entries], f0)],
            ["times the worker's send queue was full", spread([e["flood_refused"] for e in entries], f0)],
        ]
        text = (f"### 7. Messages (bench-app, cluster of 2, 64-byte payload; {entries[0]['round_trips']} sequential "
                f"round trips and a flood of {entries[0]['flood_messages']} messages per run)\n\n")
        return text + table(["Measure", "median (min–max)"], rows)


    # ---------------------------------------------------------------------------------
    # 8. Every web server: cluster of 2 against a plain JVM

    def servers(self):
        started = []
        self.say(f"Starting a plain JVM and a cluster of 2 of bench-app on each of {len(SERVERS)} servers, one after "
                 "the other: " + ", ".join(s for s, _, _ in SERVERS))
        try:
            for server, jar, jvm in SERVERS:
                for setup, workers in (("plain JVM", 0), ("cluster of 2", 2)):
                    # One at a time: fifteen JVMs or more booting at once on a few busy cores take longer than a
                    # worker's boot timeout
                    port = free_port()
                    proc = self.start_app(f"servers-{slug(server)}-{'plain' if workers == 0 else 'cluster2'}", workers,
                                          port, jar=jar, jvm=jvm)
                    started.append((server, setup, workers, port, proc))
                    if workers:
                        self.await_cluster(proc, port, workers, timeout=600)
                    else:
                        self.await_plain(proc, port, timeout=600)
                    pids = children(proc.pid) if workers else [proc.pid]
                    transport = "/".join(sorted({event_loop_transport(pid) or "?" for pid in pids}))
                    self.record("servers", f"{server}, {setup}", 0, web_server=self.web_server(proc),
                                transport=transport)
                    self.say(f"  {server}, {setup}: {self.web_server(proc)} up, {transport}")
            self.measure_targets("servers", [(f"{server}, {setup}", port) for server, setup, _, port, _ in started],
                                 ["/", "/work"])
            for server, setup, workers, _, proc in started:
                if workers:
                    self.record("servers", f"{server}, {setup} exits", 0, worker_exits=worker_exits(proc))
        finally:
            for *_, proc in started:
                proc.stop()
        self.summaries.append(self.summarize_servers())

    def web_server(self, proc):
        """The web server the application says it started (its own log line)."""
        match = re.search(r"(Tomcat|Jetty|Netty) started on port", proc.output())
        return match.group(1) if match else "?"

    def summarize_servers(self):
        rows = []
        ratios = []
        for path in ["/", "/work"]:
            for server, _, _ in SERVERS:
                by_setup = {}
                for setup in ("plain JVM", "cluster of 2"):
                    case = f"{server}, {setup}"
                    info = next((e for e in self.select("servers", case) if e["rep"] == 0), {})
                    exits = next((e["worker_exits"] for e in self.select("servers", f"{case} exits")), "-")
                    entries = [e for e in self.select("servers", f"{case} {path}") if e["rep"] > 0]
                    by_setup[setup] = {e["rep"]: e for e in entries}
                    if entries:
                        rows.append([f"`{path}`", server, setup, info.get("transport", "?"),
                                     spread([e["rps"] for e in entries], f0), spread([e["p99_ms"] for e in entries], f2),
                                     sum(e["errors"] for e in entries), exits])
                plain, cluster = by_setup["plain JVM"], by_setup["cluster of 2"]
                per_rep = [cluster[r]["rps"] / plain[r]["rps"] for r in cluster
                           if r in plain and plain[r]["rps"] and cluster[r]["rps"]]
                p99 = [cluster[r]["p99_ms"] / plain[r]["p99_ms"] for r in cluster
                       if r in plain and plain[r]["p99_ms"] and cluster[r]["p99_ms"]]
                if per_rep:
                    ratios.append([f"`{path}`", server, spread(per_rep, f2), spread(p99, f2)])
        text = (f"### 8. Every web server: cluster of 2 against a plain JVM (bench-app, wrk -t2 -c64 -d{self.duration}s, "
                "keep-alive)\n\n")
        text += table(["Endpoint", "Server", "Setup", "event loop / threads", "req/s median (min–max)",
                       "p99 ms median (min–max)", "errors", "workers that exited during the section"], rows)
        text += "\n\nRatios per repetition, cluster of 2 / plain JVM of the same server (same run, rotating order):\n\n"
        text += table(["Endpoint", "Server", "req/s", "p99"], ratios)
        return text

    # ---------------------------------------------------------------------------------
    # 9. Rolling restart under load, every web server

    def server_rolling(self):
        setups = [(server, jar, jvm, []) for server, jar, jvm in SERVERS]
        for migrate in (0, 1):
            self.in_namespace(f"s{migrate}", migrate, lambda netns, m=migrate: self.rolling_servers(
                "server-rolling", setups, netns, m))
        self.summaries.append(self.summarize_rolling_servers(
            "server-rolling", [s for s, *_ in setups],
            "### 9. Rolling restart (SIGHUP) of a cluster of 2 under load, every web server, in a network namespace "
            "(load harness, 8 connections per mode, 2 ms pause)"))

    def in_namespace(self, tag, migrate, action):
        """Run action(netns) in a new network namespace with the given tcp_migrate_req."""
        name = f"cbench-{os.getpid()}-{tag}"
        subprocess.run(["ip", "netns", "add", name], check=True)
        self.add_namespace(name)
        try:
            subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
            subprocess.run(["ip", "netns", "exec", name, "sysctl", "-q", "-w", f"net.ipv4.tcp_migrate_req={migrate}"],
                           check=True)
            action(name)
        finally:
            self.remove_namespace(name)

    def rolling_servers(self, section, setups, netns, migrate, check=None):
        """Clusters of 2, one per setup, side by side in a namespace; each restarted in turn
        (rotating order) under its own load. check(proc, port, netns) may raise to stop."""
        started = []
        try:
            self.say(f"Starting {len(setups)} clusters of 2, one after the other, in network namespace {netns} "
                     f"(tcp_migrate_req={migrate}): " + ", ".join(s for s, *_ in setups))
            for i, (server, jar, jvm, extra) in enumerate(setups):
                port = 21000 + i
                cluster = self.start_app(f"{section}-m{migrate}-{slug(server)}", 2, port, extra, netns=netns, jar=jar,
                                         jvm=jvm)
                started.append((server, port, cluster))
                self.await_log(cluster, r"Cluster ready: 2 workers listening", timeout=600)
                if check:
                    check(cluster, port, netns)
                self.harness_report(self.harness(f"{section}-m{migrate}-{slug(server)}-warmup", port, "keep-alive", 8,
                                                 duration=f"{self.warmup}s", netns=netns), finish=True)
            for trial in range(1, self.rolling_trials + 1):
                order = started[trial % len(started):] + started[:trial % len(started)]
                for server, port, cluster in order:
                    self.rolling_trial(section, server, cluster, port, netns, migrate, trial)
        finally:
            for *_, proc in started:
                proc.stop()

    def rolling_trial(self, section, server, cluster, port, netns, migrate, trial):
        loads = {mode: self.harness(f"{section}-m{migrate}-{slug(server)}-{mode}-{trial}", port, mode, 8, pause="2ms",
                                    netns=netns)
                 for mode in ("keep-alive", "new-connection")}
        time.sleep(3)
        done = len(re.findall(r"Rolling restart complete", cluster.output()))
        cluster.signal(signal.SIGHUP)
        replaced, restart_ms = None, None
        try:
            match = self.await_log(cluster, r"Rolling restart complete: (\d+) replaced in (\d+)ms", done + 1,
                                   timeout=300)[-1]
            replaced, restart_ms = int(match[0]), int(match[1])
        except BenchError as ex:
            self.say(f"  {server}: {ex}")
        time.sleep(2)
        for mode, load in loads.items():
            report = self.harness_report(load)
            figures = {k: int(report[k]) for k in ["requests", "successes", "non2xx", "failures", *FAILURE_KINDS,
                                                   "closed_before_response_reused", "abandoned"]}
            figures.update(replaced=replaced, restart_ms=restart_ms)
            self.record(section, f"{server} tcp_migrate_req={migrate} {mode}", trial, **figures)
            kinds = ", ".join(f"{k} {figures[k]}" for k in FAILURE_KINDS if figures[k])
            self.say(f"  trial {trial} {server:<20} {mode:<14}: {figures['failures']} failed, {figures['non2xx']} non-2xx "
                     f"of {figures['requests']} ({kinds or 'none'}); restart: {replaced} replaced in {restart_ms} ms")

    def summarize_rolling_servers(self, section, servers, title):
        rows = []
        for server in servers:
            for migrate in (0, 1):
                for mode in ("keep-alive", "new-connection"):
                    entries = self.select(section, f"{server} tcp_migrate_req={migrate} {mode}")
                    if not entries:
                        continue
                    kinds = {k: sum(e[k] for e in entries) for k in FAILURE_KINDS}
                    reused = sum(e["closed_before_response_reused"] for e in entries)
                    described = ", ".join(f"{k} {v}" for k, v in kinds.items() if v) or "none"
                    if reused:
                        described += f" ({reused} on a reused keep-alive connection)"
                    incomplete = sum(1 for e in entries if e["replaced"] != 2)
                    took = spread([e["restart_ms"] / 1000 if e["restart_ms"] else None for e in entries], f1)
                    if incomplete:
                        took += f"; {incomplete} of {len(entries)} did not log 'complete: 2 replaced'"
                    rows.append([server, str(migrate), mode, spread([e["failures"] for e in entries], f0), described,
                                 sum(e["non2xx"] for e in entries), spread([e["requests"] for e in entries], f0), took])
        return title + "\n\n" + table(["Server", "tcp_migrate_req", "Load", "failed requests per restart, median (min–max)",
                                       "by kind, all restarts", "non-2xx", "requests per restart window",
                                       "restart took, s"], rows)

    # ---------------------------------------------------------------------------------
    # 10. Port sharing through the master (proxy) against SO_REUSEPORT

    def proxy(self):
        title = "### 10. Port sharing: proxy through the master against SO_REUSEPORT (cluster of 2, bench-app)"
        started = []
        try:
            for server, jar, jvm in PROXY_SERVERS:
                for sharing in ("proxy", "reuseport"):
                    port = free_port()
                    proc = self.start_app(f"proxy-{slug(server)}-{sharing}", 2, port,
                                          [f"--cluster.port-sharing={sharing}"], jar=jar, jvm=jvm)
                    started.append((server, sharing, port, proc))
                    # The first is a proxy cluster: if this build has no proxy mode, skip before starting the rest
                    if len(started) == 1:
                        if not self.proxy_available(proc, port, title):
                            return
                        continue
                    self.await_cluster(proc, port, 2, timeout=600)
                    if sharing == "proxy" and not self.proxy_mode(proc, port):
                        raise BenchError(f"{proc.name} does not run in proxy mode; see {proc.log_path}")
            self.say("Started a cluster of 2 with cluster.port-sharing=proxy and one with reuseport on "
                     + " and ".join(s for s, _, _ in PROXY_SERVERS) + ", one after the other")
            self.measure_targets("proxy", [(f"{server}, {sharing}", port) for server, sharing, port, _ in started],
                                 ["/", "/work"])
        finally:
            for *_, proc in started:
                proc.stop()
        if self.args.proxy_throughput_only:
            self.summaries.append(self.summarize_proxy(title))
            return
        setups = [(server, jar, jvm, ["--cluster.port-sharing=proxy"]) for server, jar, jvm in PROXY_SERVERS]

        def check(proc, port, netns):
            if not self.proxy_mode(proc, port, netns):
                raise BenchError(f"{proc.name} does not run in proxy mode; see {proc.log_path}")

        for migrate in (0, 1):
            self.in_namespace(f"p{migrate}", migrate, lambda netns, m=migrate: self.rolling_servers(
                "proxy-rolling", setups, netns, m, check))
        self.summaries.append(self.summarize_proxy(title))

    def proxy_available(self, proc, port, title):
        """Whether a cluster started with cluster.port-sharing=proxy runs in proxy mode; if
        not, say so and add the section's summary saying it was skipped."""
        reason = None
        try:
            self.await_cluster(proc, port, 2, timeout=600)
            if not self.proxy_mode(proc, port):
                reason = "the cluster started, but neither /actuator/cluster nor the master's log says proxy"
        except BenchError as ex:
            reason = f"the master did not start a cluster with it ({ex})"
        if reason:
            self.say(f"proxy mode not available in this build: {reason}; section skipped")
            self.summaries.append(f"{title}\n\nproxy mode not available in this build (cluster.port-sharing=proxy: "
                                  f"{reason}); skipped.")
            return False
        return True

    def proxy_mode(self, proc, port, netns=None):
        """True when the cluster says it shares the port through the master: portSharing in
        /actuator/cluster, or a line of the master's output mentioning the proxy (its command
        line aside)."""
        if netns is None:
            state = get_json(port, "/actuator/cluster", 2.0)
        else:
            answer = subprocess.run(["ip", "netns", "exec", netns, "curl", "-s", "-m", "2",
                                     f"http://127.0.0.1:{port}/actuator/cluster"], capture_output=True, text=True)
            try:
                state = json.loads(answer.stdout)
            except ValueError:
                state = None
        if state and state.get("portSharing") == "proxy":
            return True
        lines = proc.output().splitlines()[1:]
        return any(re.search(r"proxy", line, re.I) and "planned but not built" not in line for line in lines)

    def summarize_proxy(self, title):
        rows = []
        ratios = []
        for path in ["/", "/work"]:
            for server, _, _ in PROXY_SERVERS:
                by_mode = {}
                for sharing in ("reuseport", "proxy"):
                    entries = [e for e in self.select("proxy", f"{server}, {sharing} {path}") if e["rep"] > 0]
                    by_mode[sharing] = {e["rep"]: e for e in entries}
                    if entries:
                        rows.append([f"`{path}`", server, sharing, spread([e["rps"] for e in entries], f0),
                                     spread([e["p99_ms"] for e in entries], f2), sum(e["errors"] for e in entries)])
                reuse, proxied = by_mode["reuseport"], by_mode["proxy"]
                per_rep = [proxied[r]["rps"] / reuse[r]["rps"] for r in proxied
                           if r in reuse and reuse[r]["rps"] and proxied[r]["rps"]]
                p99 = [proxied[r]["p99_ms"] / reuse[r]["p99_ms"] for r in proxied
                       if r in reuse and reuse[r]["p99_ms"] and proxied[r]["p99_ms"]]
                if per_rep:
                    ratios.append([f"`{path}`", server, spread(per_rep, f2), spread(p99, f2)])
        text = f"{title}\n\nwrk -t2 -c64 -d{self.duration}s, keep-alive:\n\n"
        text += table(["Endpoint", "Server", "cluster.port-sharing", "req/s median (min–max)",
                       "p99 ms median (min–max)", "errors"], rows)
        text += "\n\nRatios per repetition, proxy / reuseport of the same server (same run, rotating order):\n\n"
        text += table(["Endpoint", "Server", "req/s", "p99"], ratios)
        if self.args.proxy_throughput_only:
            return text
        text += "\n\n" + self.summarize_rolling_servers(
            "proxy-rolling", [s for s, _, _ in PROXY_SERVERS],
            "Rolling restart (SIGHUP) in proxy mode under load, in a network namespace (load harness, 8 connections "
            "per mode, 2 ms pause):")
        return text


# ---------------------------------------------------------------------------------------


def header(bench, sections):
    java = subprocess.run([JAVA, "-version"], capture_output=True, text=True).stderr.splitlines()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    lines = [
        f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
        f"- JDK: {java[1] if len(java) > 1 else java[0] if java else 'unknown'}",
        f"- Machine: {CPUS} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / (1 << 30):.0f} GiB, "
        f"host tcp_migrate_req={read_text('/proc/sys/net/ipv4/tcp_migrate_req')}",
        f"- Load average at start: {loadavg()}",
        f"- Mode: {'quick' if bench.quick else 'full'}; sections: {', '.join(sections)}; "
        f"{bench.reps} repetitions of {bench.duration} s for wrk runs",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Benchmarks of cluster mode; see bench/README.md")
    parser.add_argument("--quick", action="store_true", help="fewer and shorter runs")
    parser.add_argument("--section", default="all",
                        help="comma-separated sections by number or name: " + ", ".join(
                            f"{i + 1}={s}" for i, s in enumerate(SECTIONS)))
    parser.add_argument("--reps", type=int, help="repetitions of each wrk measurement")
    parser.add_argument("--duration", type=int, help="seconds of each throughput measurement")
    parser.add_argument("--proxy-throughput-only", action="store_true",
                        help="section 10: measure throughput only, without its rolling restarts")
    parser.add_argument("--results-dir", required=True)
    args = parser.parse_args()

    wanted = []
    for item in args.section.split(","):
        item = item.strip()
        if item == "all":
            wanted = list(SECTIONS)
        elif item.isdigit() and 1 <= int(item) <= len(SECTIONS):
            wanted.append(SECTIONS[int(item) - 1])
        elif item in SECTIONS:
            wanted.append(item)
        else:
            parser.error(f"unknown section '{item}'")
    wanted = [s for s in SECTIONS if s in wanted]

    bench = Bench(args)

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    intro = header(bench, wanted)
    print(intro, flush=True)
    failed = []
    started = time.monotonic()
    try:
        for section in wanted:
            bench.say(f"== {SECTIONS.index(section) + 1}. {section} (load average {loadavg()})")
            section_start = time.monotonic()
            try:
                getattr(bench, section.replace("-", "_"))()
            except Exception as ex:  # one broken section must not cost the others' results
                failed.append(section)
                bench.say(f"Section {section} failed: {ex}")
                bench.cleanup()
            bench.say(f"   {section} took {time.monotonic() - section_start:.0f} s")
    except KeyboardInterrupt:
        bench.say("Interrupted: stopping everything this run started")
        bench.cleanup()
        return 130
    finally:
        bench.cleanup()
        bench.raw.close()
    summary = (f"## Cluster mode benchmarks\n\n{intro}\n- Took: {(time.monotonic() - started) / 60:.1f} min\n\n"
               + "\n\n".join(s for s in bench.summaries if s) + "\n")
    if failed:
        summary += f"\nFailed sections: {', '.join(failed)} (see the logs in {bench.log_dir})\n"
    with open(os.path.join(bench.results_dir, "summary.md"), "w") as f:
        f.write(summary)
    print("\n" + summary, flush=True)
    print(f"Raw figures: {os.path.join(bench.results_dir, 'raw.tsv')}; logs: {bench.log_dir}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
