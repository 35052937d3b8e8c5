"""Proportional memory (PSS) of a process tree, per process kind, sampled while it runs; and the CPU
seconds each kind used (own user + system time at each process's last sample: a process's last
~0.1 s is not seen), steadier than wall time on a machine shared with other work.

Summing RSS counts pages shared between Chromium's processes once per process; PSS divides each
shared page among the processes that map it, so the sum over a tree is what the tree costs. Read
from /proc/<pid>/smaps_rollup (Linux): `Pss`, and USS = `Private_Clean` + `Private_Dirty`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import psutil

KINDS = ("python", "node driver", "chromium", "other")


def kind_of(process: psutil.Process) -> str | None:
    """python, node driver, chromium or other; None while the process cannot be read yet."""
    try:
        name = process.name().lower()
        command = process.cmdline()
    except psutil.Error:
        return None
    program = os.path.basename(command[0]).lower() if command else name
    if "python" in name or "python" in program:
        return "python"
    if name.startswith("node") or program == "node" or "run-driver" in command:
        return "node driver"
    # Chromium's helpers: some re-exec themselves as `/proc/self/exe --type=utility ...` (name "exe")
    if "chrom" in name or "chrom" in program or "headless_shell" in program or any(
            arg.startswith("--type=") for arg in command[1:]):
        return "chromium"
    return "other"


def rollup(pid: int) -> tuple[int, int]:
    """(PSS, USS) in bytes; (0, 0) for a process that is gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("Pss", "Private_Clean", "Private_Dirty"):
                    values[key] = int(rest.split()[0]) * 1024
    except OSError:
        return 0, 0
    return values.get("Pss", 0), values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)


@dataclass
class TreeMemory:
    """Peaks seen while sampling: the whole tree's PSS, and each kind's PSS, USS and process count."""

    peak_pss: int = 0
    peak_uss: int = 0
    kinds: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    known: dict[int, str] = field(default_factory=dict)  # pid → kind, read once per process
    cpu: dict[int, float] = field(default_factory=dict)  # pid → CPU seconds at its last sample

    def add_sample(self, processes: list[psutil.Process]) -> None:
        total_pss = total_uss = 0
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for process in processes:
            pss, uss = rollup(process.pid)
            if not pss:
                continue
            kind = self.known.get(process.pid) or kind_of(process)
            if kind is not None:
                self.known[process.pid] = kind
            try:
                times = process.cpu_times()
                self.cpu[process.pid] = times.user + times.system
            except psutil.Error:
                pass
            entry = per_kind[kind or "other"]
            entry[0] += pss
            entry[1] += uss
            entry[2] += 1
            total_pss += pss
            total_uss += uss
        self.peak_pss = max(self.peak_pss, total_pss)
        self.peak_uss = max(self.peak_uss, total_uss)
        for kind, (pss, uss, count) in per_kind.items():
            peaks = self.kinds[kind]
            peaks["pss"] = max(peaks["pss"], pss)
            peaks["uss"] = max(peaks["uss"], uss)
            peaks["processes"] = max(peaks["processes"], count)

    def cpu_seconds(self) -> dict[str, float]:
        per_kind: dict[str, float] = defaultdict(float)
        for pid, seconds in self.cpu.items():
            per_kind[self.known.get(pid, "other")] += seconds
        return {kind: round(seconds, 2) for kind, seconds in sorted(per_kind.items())}

    def as_dict(self) -> dict:
        cpu = self.cpu_seconds()
        return {"peak_pss_mib": round(self.peak_pss / 2**20, 1), "peak_uss_mib": round(self.peak_uss / 2**20, 1),
                "cpu_s": round(sum(cpu.values()), 2), "cpu_s_by_kind": cpu,
                "kinds": {kind: {"peak_pss_mib": round(v["pss"] / 2**20, 1), "peak_uss_mib": round(v["uss"] / 2**20, 1),
                                 "processes": v["processes"]} for kind, v in self.kinds.items()}}


class TreeSampler:
    """Samples `pid` and its descendants every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.memory = TreeMemory()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            self.memory.add_sample(processes)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_sampled(command: list[str], timeout: float = 300, **kwargs) -> tuple[subprocess.CompletedProcess, float,
                                                                               TreeMemory]:
    """(completed process, wall seconds, memory peaks of its process tree); the tree is stopped after
    `timeout` seconds (return code None)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kwargs)
    with TreeSampler(proc.pid) as sampler:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            proc.returncode = None
    elapsed = time.perf_counter() - start
    return subprocess.CompletedProcess(command, proc.returncode, out, err), elapsed, sampler.memory
