"""Peak memory of a whole process tree (a crawl plus its browser), sampled while it runs."""

from __future__ import annotations

import subprocess
import threading
import time

import psutil


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakSampler:
    """Samples the summed RSS of `pid` and its descendants every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, tree_rss(self.process))
            except psutil.Error:
                return
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(command: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float, int]:
    """(completed process, seconds, peak tree RSS in bytes)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    with PeakSampler(proc.pid) as sampler:
        out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    return subprocess.CompletedProcess(command, proc.returncode, out, err), elapsed, sampler.peak
