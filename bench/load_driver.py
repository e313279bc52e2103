"""The mixed load of bench/soak_load.py run from a process of its own, as the soak
(bench/soak.py) and the failover run (bench/failover.py) both run it: the config file
it reads, its process and log, the signal that lets its final retries begin, and the
result it writes."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.processes import PYTHON, REPO, wait_with_usage
from bench.soak_load import FINAL_PASS_S
from bench.subscribers import Subscriber


class LoadDriver:
    """`<name>.json` in, `<name>.out.json` out, `<name>_load.log` of its output, all in
    the run's work directory."""

    def __init__(self, workdir: Path, name: str) -> None:
        self.config_path = workdir / f"{name}.json"
        self.out_path = workdir / f"{name}.out.json"
        self.log_path = workdir / f"{name}_load.log"
        self.duration = 0.0
        self._process: subprocess.Popen[bytes] | None = None

    def start(
        self,
        gateway_url: str,
        readers: Sequence[Subscriber],
        payers: Sequence[Subscriber],
        duration: float,
        concurrency: int,
        think_ms: float,
        **extra: Any,
    ) -> None:
        """`extra` goes into the config as it is (`timeout_s`, say)."""
        self.duration = duration
        config = {
            "gateway": gateway_url,
            "readers": [[s.msisdn, s.token] for s in readers],
            "payers": [[s.msisdn, s.token] for s in payers],
            "duration": duration,
            "concurrency": concurrency,
            "think_ms": think_ms,
            # A bound on top of the time: far above what the pauses allow.
            "max_requests": int(duration * concurrency * 1000 / think_ms * 2),
            **extra,
        }
        self.config_path.write_text(json.dumps(config))
        argv = [PYTHON, "-m", "bench.soak_load", "--config", str(self.config_path)]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [*argv, "--out", str(self.out_path)], cwd=REPO, stdout=log, stderr=log
            )

    def finish(self) -> float:
        """Let its final retries start (the faults are over), wait for it to end and
        return its CPU seconds; killed if it is not done well after its time."""
        if self._process is None:
            raise RuntimeError("the load driver was not started")
        self._process.send_signal(signal.SIGUSR1)
        cpu_s = wait_with_usage(self._process, self.duration + FINAL_PASS_S + 120)
        self._process = None
        return cpu_s

    def result(self) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self.out_path.read_text())
        return answer

    def stop(self) -> None:
        """Killed, if it still runs (a run that failed half way)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None
