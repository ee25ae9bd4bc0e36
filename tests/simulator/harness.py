"""Start the simulator in a subprocess, for pytest fixtures and test scripts.

    from simulator.harness import start_simulator      # with tests/ on sys.path
    with start_simulator(devices=250) as sim:
        sim.config["simplemdm_base_url"], sim.config["simplemdm_api_key"]
        sim.faults([{"kind": "rate_limit", "vendor": "simplemdm", "every": 3, "retry_after": 1}])
        sim.requests(vendor="simplemdm", method="GET")

Standard library only, so any test can import it without the simulator's own dependencies.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

SIMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))


class SimulatorError(RuntimeError):
    pass


class Simulator:
    """A running simulator process: its JSON start line in `config`, and its /_sim/ controls."""

    def __init__(self, process, config):
        self.process = process
        self.config = config

    @property
    def url(self):
        return self.config["url"]

    def control(self, verb, path, payload=None, query=None):
        """Call a /_sim/ control and return its JSON answer."""
        url = "%s/_sim/%s" % (self.url, path)
        query = {k: v for k, v in (query or {}).items() if v is not None}
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(url, data=data, method=verb,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise SimulatorError("%s %s: %s %s" % (verb, path, error.code, error.read().decode()))

    def requests(self, **filters):
        """The request log; filters: since, vendor, method, path_regex, status."""
        return self.control("GET", "requests", query=filters)["requests"]

    def reset(self):
        self.control("POST", "reset")

    def faults(self, rules):
        return self.control("POST", "faults", {"rules": rules})["rules"]

    def fault_counters(self):
        return self.control("GET", "faults")["rules"]

    def clear_faults(self):
        self.control("DELETE", "faults")

    def load_fixtures(self, data):
        return self.control("POST", "fixtures", data)

    def fleet(self):
        return self.control("GET", "fleet")

    def expire_abm_tokens(self):
        return self.control("POST", "abm/expire_tokens")

    def stop(self, timeout=10):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def start_simulator(devices=250, seed=1, latency_ms=0, python=None, start_timeout=60, **options):
    """Start `python tests/simulator` on a free port; options are its other flags
    (abm_token_ttl=30 -> --abm-token-ttl 30). The simulator stops by itself once this process
    is gone, so that one a test never stopped does not outlive it."""
    command = [python or sys.executable, SIMULATOR_DIR, "--port", "0", "--devices", str(devices),
               "--seed", str(seed), "--latency-ms", str(latency_ms), "--exit-with-parent"]
    for name, value in options.items():
        if value is not None:
            command += ["--" + name.replace("_", "-"), str(value)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=start_timeout)
        config = json.loads(line)
    except (queue.Empty, ValueError):
        process.kill()
        process.wait()
        raise SimulatorError("the simulator did not start (exit code %s)" % process.poll())
    return Simulator(process, config)
