#!/usr/bin/env python3
"""Graceful shutdown leaves every session resumable: a session with a participant and an
answer survives SIGTERM and a new `kraftfelt serve` on the same data directory; the
participant's token and the join code still work, and nothing stored is lost.

Usage: restart_test.py KRAFTFELT_BINARY"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, data, port):
    process = subprocess.Popen([binary, "serve", "--data", data, "--port", str(port), "--no-ready-session"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        match = re.search(r"console#token=(\S+)", line)
        if match:
            return process, match.group(1)
        if not line:
            break
    raise SystemExit("kraftfelt serve did not start: " + process.stderr.read())


def call(base, method, path, token=None, body=None):
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def stop(process):
    process.send_signal(signal.SIGTERM)
    started = time.time()
    code = process.wait(timeout=30)
    return code, time.time() - started


def main():
    binary = os.path.abspath(sys.argv[1])
    data = tempfile.mkdtemp(prefix="kraftfelt-restart-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server, token = start(binary, data, port)
    try:
        status, created = call(base, "POST", "/api/sessions", token, {"exercise": "maaling", "areas": ["Skole", "Kultur"]})
        assert status == 201, created
        session, code = created["id"], created["joinCode"]
        status, joined = call(base, "POST", "/api/join", None, {"code": code, "name": "Anne", "area": "Skole"})
        assert status == 201, joined
        status, _ = call(base, "POST", f"/api/sessions/{session}/actions", token, {"action": "advance"})
        assert status == 200
        status, view = call(base, "GET", f"/api/sessions/{session}/participant", joined["token"])
        ask = view["questions"][0]["id"]
        status, receipt = call(base, "POST", f"/api/sessions/{session}/answers", joined["token"], {"ask": ask, "value": 4})
        assert status == 200, receipt
        status, before = call(base, "GET", f"/api/sessions/{session}/export", token)
    finally:
        exit_code, seconds = stop(server)
    assert exit_code == 0, f"serve exited with {exit_code} on SIGTERM"
    print(f"SIGTERM: serve stopped in {seconds:.2f} s with exit code 0")

    server, token2 = start(binary, data, port)
    try:
        status, info = call(base, "GET", f"/api/join/{code}")
        assert status == 200 and info["session"] == session, (status, info)
        status, view = call(base, "GET", f"/api/sessions/{session}/participant", joined["token"])
        assert status == 200 and view["phase"] == "running", (status, view)
        assert all(q["answered"] for q in view["questions"] if q["id"] == ask), view
        # The earlier token still works after the restart, and so does the new one.
        for t in [token, token2]:
            status, after = call(base, "GET", f"/api/sessions/{session}/export", t)
            assert status == 200, after
        assert after["events"][:len(before["events"])] == before["events"], "events changed across the restart"
        status, again = call(base, "POST", f"/api/sessions/{session}/answers", joined["token"], {"ask": ask, "value": 2})
        assert status == 409 and again["error"]["code"] in ("already_answered", "not_open"), again
        print(f"restart: session {session} resumed with its {len(before['events'])} events, token and code")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
