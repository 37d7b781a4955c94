#!/usr/bin/env python3
"""Checks a running `kraftfelt serve` against docs/openapi.yaml.

    python3 Tests/Browser/check_openapi.py --base http://127.0.0.1:PORT --token TRAINER_TOKEN

Validates the document with openapi-spec-validator, then runs a workshop over HTTP
(sessions, joins, views, answers, every trainer action, export, transcript), the bad
requests around it (malformed JSON, wrong content type, oversized body, missing and wrong
tokens, unknown sessions, a participant token on another session, the rate limits), the
HTML pages and the WebSocket. Every response must have a status the document lists for its
operation, the documented content type, the documented required headers, and a body that
validates against the documented schema. Each failure is one line,
`FAIL METHOD PATH status: reason`; the last line is `N responses checked, M failures`.
Exit status 1 when there is a failure.

Run it against a fresh server started with `--no-ready-session` (as Tests/Browser/run.sh
does): it uses up the rate limits of its client address at the end.

Needs PyYAML, jsonschema (with referencing) and openapi-spec-validator:
    pip install --break-system-packages openapi-spec-validator pyyaml jsonschema
"""

import argparse
import base64
import hashlib
import json
import os
import re
import socket
import struct
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

try:
    import yaml
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate as validate_spec
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as error:  # pragma: no cover
    print(f"check_openapi.py needs {error.name}: "
          "pip install --break-system-packages openapi-spec-validator pyyaml jsonschema", file=sys.stderr)
    sys.exit(2)

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
SPEC_URI = "urn:kraftfelt:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def pointer_escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are responses to check, not to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body
        self.json = None

    def header(self, name):
        return self.headers.get(name.lower())


class Checker:
    def __init__(self, base, token, verbose=False):
        self.verbose = verbose
        self.checked = 0
        self.failures = 0
        self.base = base.rstrip("/")
        self.token = token
        self.exercised = set()
        self.opener = urllib.request.build_opener(NoRedirect)
        try:
            self.spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            self.spec = {}
            self.fail("SPEC", SPEC_PATH.name, "-", f"cannot read the document: {str(error).splitlines()[0]}")
        self.registry = Registry().with_resource(
            SPEC_URI, Resource(contents=self.spec, specification=DRAFT202012))
        self.validators = {}
        # Literal paths first, then the templates with the fewest parameters.
        self.routes = []
        for template, item in self.spec.get("paths", {}).items():
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
            self.routes.append((template.count("{"), template, re.compile(pattern), item))
        self.routes.sort(key=lambda route: (route[0], route[1]))

    # ---- reporting ---------------------------------------------------------------

    def fail(self, method, path, status, reason):
        self.failures += 1
        print(f"FAIL {method} {path} {status}: {reason}", flush=True)

    # ---- the document --------------------------------------------------------------

    def check_spec(self):
        if not self.spec:
            return False
        try:
            validate_spec(self.spec)
        except Exception as error:  # openapi_spec_validator raises several kinds
            self.fail("SPEC", str(SPEC_PATH.name), "-", f"invalid OpenAPI document: {str(error).splitlines()[0]}")
            return False
        return True

    def deref(self, obj, pointer):
        """Follows `$ref`s of OpenAPI objects (responses, headers) within the document."""
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            if not ref.startswith("#/") or seen > 20:
                raise ValueError(f"unsupported $ref {ref}")
            pointer = ref[1:]
            obj = self.spec
            for part in ref[2:].split("/"):
                obj = obj[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
        return obj, pointer

    def validator(self, pointer):
        if pointer not in self.validators:
            self.validators[pointer] = Draft202012Validator(
                {"$ref": SPEC_URI + "#" + pointer}, registry=self.registry)
        return self.validators[pointer]

    def schema_errors(self, pointer, value):
        errors = sorted(self.validator(pointer).iter_errors(value), key=lambda e: list(e.absolute_path))
        return [f"${''.join(f'[{p!r}]' for p in e.absolute_path)}: {e.message[:240]}" for e in errors]

    def operation(self, method, path):
        for _, template, pattern, item in self.routes:
            if pattern.match(path) and method.lower() in item:
                return template, item[method.lower()]
        return None, None

    # ---- HTTP ----------------------------------------------------------------------

    def call(self, method, path, *, token=None, body=None, raw=None, content_type="application/json",
             headers=None, expect=None, code=None):
        """Sends one request and checks its response; returns the Reply (with `.json`)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if token is not None:
            request.add_header("Authorization", token if token.startswith(("Bearer ", "Basic ")) else "Bearer " + token)
        if data is not None and content_type is not None:
            request.add_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=20) as response:
                reply = Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
        except (OSError, urllib.error.URLError) as error:
            self.checked += 1
            self.fail(method, path, "-", f"no response: {error}")
            return Reply(0, {}, b"")
        self.check(method, path, reply, expect=expect, code=code)
        return reply

    def check(self, method, path, reply, *, expect=None, code=None):
        self.checked += 1
        if self.verbose:
            print(f"CHECK {method} {path} {reply.status} {reply.header('Content-Type') or ''}", flush=True)
        bare = path.split("?", 1)[0]
        template, op = self.operation(method, bare)
        status = reply.status

        def fail(reason):
            self.fail(method, path, status, reason)

        if op is None:
            fail("no such operation in the document")
            return
        self.exercised.add((method.upper(), template))
        if expect is not None and status not in expect:
            fail(f"expected {' or '.join(map(str, sorted(expect)))}; body {reply.body[:200]!r}")
        documented = op.get("responses", {})
        response = documented.get(str(status)) or documented.get(f"{str(status)[0]}XX") or documented.get("default")
        if response is None:
            fail(f"status not documented (documented: {', '.join(documented)}); body {reply.body[:160]!r}")
            return
        base = "/paths/" + pointer_escape(template) + "/" + method.lower() + "/responses/" + str(status)
        response, pointer = self.deref(response, base)

        for name, header in (response.get("headers") or {}).items():
            header, header_pointer = self.deref(header, pointer + "/headers/" + pointer_escape(name))
            value = reply.header(name)
            if value is None:
                if header.get("required"):
                    fail(f"required header {name} is missing")
                continue
            if "schema" in header:
                for error in self.schema_errors(header_pointer + "/schema", value):
                    fail(f"header {name} {value!r}: {error}")

        content = response.get("content")
        content_type = reply.header("Content-Type") or ""
        if not content:
            if reply.body:
                fail(f"documented without a body, got {len(reply.body)} bytes")
            return
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in content:
            fail(f"content type {content_type!r} not documented ({', '.join(content)})")
            return
        schema_pointer = pointer + "/content/" + pointer_escape(media) + "/schema"
        if media == "application/json" or media.endswith("+json"):
            if "charset=utf-8" not in content_type.lower().replace(" ", ""):
                fail(f"JSON without charset=utf-8: {content_type!r}")
            try:
                reply.json = json.loads(reply.body)
            except ValueError as error:
                fail(f"body is not JSON ({error}): {reply.body[:120]!r}")
                return
            for error in self.schema_errors(schema_pointer, reply.json):
                fail(error)
            if code is not None:
                got = (reply.json.get("error") or {}).get("code") if isinstance(reply.json, dict) else None
                if got != code:
                    fail(f"expected error code {code}, got {got}")
        else:
            try:
                text = reply.body.decode("utf-8")
            except UnicodeDecodeError:
                fail("body is not UTF-8")
                return
            if not text:
                fail("empty body")
            for error in self.schema_errors(schema_pointer, text):
                fail(error)

    def check_value(self, where, pointer, value):
        """A value that is not a whole response (a WebSocket message, a 404 of no route)."""
        self.checked += 1
        for error in self.schema_errors(pointer, value):
            self.fail(*where, error)

    def require(self, condition, method, path, status, reason):
        """A fact about a response besides its schema; counts as a failure when false."""
        if not condition:
            self.fail(method, path, status, reason)
        return condition

    # ---- WebSocket (RFC 6455, just enough) ------------------------------------------

    def ws_connect(self, path, origin=None):
        """Opens a WebSocket; checks the upgrade response. Returns (socket, leftover) or None."""
        parts = urlsplit(self.base)
        host, port = parts.hostname, parts.port or 80
        try:
            sock = socket.create_connection((host, port), timeout=15)
        except OSError as error:
            self.checked += 1
            self.fail("GET", path, "-", f"cannot connect: {error}")
            return None
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if origin:
            lines.append(f"Origin: {origin}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split()[1])
        except (IndexError, ValueError):
            self.checked += 1
            self.fail("GET", path, "-", f"not an HTTP response: {status_line!r}")
            sock.close()
            return None
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = b""
        if status != 101:
            length = int(headers.get("content-length", "0"))
            body = rest
            while len(body) < length:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                body += chunk
        self.check("GET", path, Reply(status, headers, body if status != 101 else b""), expect={101})
        if status != 101:
            sock.close()
            return None
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.require(headers.get("sec-websocket-accept") == accept, "GET", path, 101, "wrong Sec-WebSocket-Accept")
        return [sock, rest]

    @staticmethod
    def ws_send(conn, text, opcode=0x1):
        payload = text.encode()
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
        mask = os.urandom(4)
        conn[0].sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    @staticmethod
    def ws_read(conn, count):
        while len(conn[1]) < count:
            chunk = conn[0].recv(65536)
            if not chunk:
                raise ConnectionError("the socket closed")
            conn[1] += chunk
        data, conn[1] = conn[1][:count], conn[1][count:]
        return data

    def ws_message(self, conn):
        """The next message: ("text", str) or ("close", code, reason)."""
        pieces = []
        while True:
            first, second = self.ws_read(conn, 2)
            fin, opcode = first & 0x80, first & 0x0F
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self.ws_read(conn, 2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self.ws_read(conn, 8))[0]
            mask = self.ws_read(conn, 4) if second & 0x80 else None
            payload = self.ws_read(conn, length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return ("close", code, payload[2:].decode("utf-8", "replace"))
            if opcode in (0x9, 0xA):  # ping, pong
                continue
            pieces.append(payload)
            if fin:
                return ("text", b"".join(pieces).decode("utf-8"))

    @staticmethod
    def ws_close(conn):
        try:
            payload = struct.pack("!H", 1000)
            mask = os.urandom(4)
            conn[0].sendall(bytes([0x88, 0x80 | len(payload)]) + mask
                            + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        except OSError:
            pass
        conn[0].close()

    def ws_push(self, path, hello, view_schema, *, with_data, after=None):
        """Opens a socket, says hello, and checks the first push."""
        conn = self.ws_connect(path)
        if conn is None:
            return None
        where = ("WS", path, "-")
        try:
            self.ws_send(conn, json.dumps(hello))
            message = self.ws_message(conn)
        except (OSError, ConnectionError, struct.error) as error:
            self.checked += 1
            self.fail(*where, f"no message: {error}")
            conn[0].close()
            return None
        self.ws_close(conn)
        if message[0] != "text":
            self.checked += 1
            self.fail(*where, f"expected a view, got a close frame {message[1]} {message[2]!r}")
            return None
        try:
            push = json.loads(message[1])
        except ValueError:
            self.checked += 1
            self.fail(*where, f"not JSON: {message[1][:120]!r}")
            return None
        self.check_value(where, "/components/schemas/WsPush", push)
        if with_data:
            if self.require("view" in push, *where, "the hello asked for data, but the push has no view"):
                self.check_value(where, "/components/schemas/" + view_schema, push["view"])
        else:
            self.require("view" not in push, *where, "the hello did not ask for data, but the push has a view")
        self.require(isinstance(push.get("html"), str) and push.get("html"), *where, "the push has no HTML")
        if after is not None:
            self.require(isinstance(push.get("revision"), int) and push["revision"] > after, *where,
                         f"the first push after revision {after} has revision {push.get('revision')}")
        return push

    def ws_refused(self, path, hello, code):
        conn = self.ws_connect(path)
        if conn is None:
            return
        where = ("WS", path, "-")
        try:
            self.ws_send(conn, json.dumps(hello))
            message = self.ws_message(conn)
            close = self.ws_message(conn) if message[0] == "text" else message
        except (OSError, ConnectionError, struct.error) as error:
            self.checked += 1
            self.fail(*where, f"no refusal: {error}")
            conn[0].close()
            return
        conn[0].close()
        if message[0] != "text":
            self.checked += 1
            self.fail(*where, f"expected an error message before the close, got {message}")
            return
        try:
            refusal = json.loads(message[1])
        except ValueError:
            self.checked += 1
            self.fail(*where, f"the refusal is not JSON: {message[1][:120]!r}")
            return
        self.check_value(where, "/components/schemas/WsError", refusal)
        self.require(refusal.get("code") == code, *where, f"expected code {code}, got {refusal.get('code')}")
        self.require(close[0] == "close" and close[1] == 1008, *where, f"expected a close frame 1008, got {close}")

    # ---- the run -------------------------------------------------------------------

    def run(self):
        spec_ok = self.check_spec()
        if spec_ok:
            self.workshop()
            self.coverage()
        print(f"{self.checked} responses checked, {self.failures} failures")
        return 0 if spec_ok and self.failures == 0 else 1

    def coverage(self):
        """Every documented operation was exercised at least once."""
        for template, item in self.spec.get("paths", {}).items():
            for method in METHODS:
                if method in item and (method.upper(), template) not in self.exercised:
                    self.fail(method.upper(), template, "-", "documented, but the check never exercised it")

    def workshop(self):
        trainer = self.token
        call = self.call

        # Server and catalog.
        health = call("GET", "/api/health", expect={200})
        call("GET", "/api/exercises", expect={401}, code="unauthorised")
        call("GET", "/api/exercises", token="x" * 43, expect={401}, code="unauthorised")
        catalog = call("GET", "/api/exercises", token=trainer, expect={200}).json or []
        ids = {entry.get("id") for entry in catalog if isinstance(entry, dict)}
        for needed in ("summegrupper", "maaling"):
            self.require(needed in ids, "GET", "/api/exercises", 200, f"the catalog has no {needed!r}")
        call("GET", "/api/sessions", token=trainer, expect={200})

        # Sessions: good and bad creations.
        created = call("POST", "/api/sessions", token=trainer, expect={201},
                       body={"exercise": "summegrupper", "areas": ["Sundhed", "Skole"], "language": "da",
                             "seed": 4242}).json or {}
        sid, code = created.get("id"), created.get("joinCode")
        if not sid or not code:
            self.fail("POST", "/api/sessions", 201, "no session id and join code; cannot go on")
            return
        other = (call("POST", "/api/sessions", token=trainer, expect={201},
                      body={"exercise": "maaling"}).json or {}).get("id")
        if other:
            call("POST", f"/api/sessions/{other}/actions", token=trainer, body={"action": "step_back"},
                 expect={409}, code="nothing_to_undo")
        failed = call("POST", "/api/sessions", token=trainer, expect={400}, code="invalid",
                      body={"script": "this is not Lua"}).json or {}
        message = str((failed.get("error") or {}).get("message", ""))
        self.require(message.startswith("the session could not start: "), "POST", "/api/sessions", 400,
                     f"a script that does not load should be refused with its error, got {message!r}")
        call("POST", "/api/sessions", token=trainer, expect={400}, code="invalid",
             body={"exercise": "maaling", "parameters": {"no_such": "1"}})
        call("POST", "/api/sessions", token=trainer, expect={400}, code="invalid",
             body={"exercise": "maaling", "seed": -1})
        call("POST", "/api/sessions", body={"exercise": "maaling"}, expect={401}, code="unauthorised")
        call("POST", "/api/sessions", token=trainer, body={}, expect={400}, code="invalid")
        call("POST", "/api/sessions", token=trainer, body={"exercise": "no-such-exercise"}, expect={400},
             code="invalid")
        call("POST", "/api/sessions", token=trainer, body={"exercise": "maaling", "language": "de"}, expect={400})
        call("POST", "/api/sessions", token=trainer, body={"exercise": "maaling", "areas": ["A", "A"]},
             expect={400})
        call("POST", "/api/sessions", token=trainer, raw=b'{"exercise":', expect={400}, code="invalid")
        call("POST", "/api/sessions", token=trainer, raw=b"[1]", expect={400}, code="invalid")
        call("POST", "/api/sessions", token=trainer, body={"exercise": 7}, expect={400}, code="invalid")
        call("POST", "/api/sessions", token=trainer, body={"exercise": "maaling"}, content_type="text/plain",
             expect={415}, code="unsupported_media_type")
        call("POST", "/api/sessions", token=trainer, body={"exercise": "maaling"}, content_type=None,
             expect={415}, code="unsupported_media_type")
        call("POST", "/api/sessions", token=trainer, body={"exercise": "maaling", "pad": "x" * 70_000},
             expect={413}, code="too_large")
        listed = call("GET", "/api/sessions", token=trainer, expect={200}).json or []
        self.require(any(s.get("id") == sid and s.get("joinCode") == code for s in listed if isinstance(s, dict)),
                     "GET", "/api/sessions", 200, f"session {sid} with code {code} is not listed")
        now = (call("GET", "/api/health", expect={200}).json or {}).get("sessions")
        before = (health.json or {}).get("sessions")
        if isinstance(now, int) and isinstance(before, int):
            self.require(now == before + 2, "GET", "/api/health", 200,
                         f"health counts {now} live sessions after 2 were created (was {before})")
        listed_ids = [s.get("id") for s in listed if isinstance(s, dict)]
        self.require(len(listed_ids) == 2, "GET", "/api/sessions", 200,
                     f"a session that could not start is not kept; listed: {listed_ids}")

        # Joining.
        info = call("GET", f"/api/join/{code}", expect={200}).json or {}
        self.require(info.get("session") == sid and info.get("areas") == ["Sundhed", "Skole"], "GET",
                     f"/api/join/{code}", 200, f"join info does not match the session: {info}")
        typed = code.lower()[:3] + "-" + code.lower()[3:]
        call("GET", f"/api/join/{typed}", expect={200})
        call("GET", "/api/join/QQQQQQQQQQ", expect={404}, code="unknown_code")
        ann = call("POST", "/api/join", body={"code": code, "name": "  Ann  ", "area": "Sundhed"},
                   expect={201}).json or {}
        bo = call("POST", "/api/join", body={"code": typed, "name": "Bo", "area": "Skole", "language": "en"},
                  expect={201}).json or {}
        if not ann.get("token") or not bo.get("token"):
            self.fail("POST", "/api/join", "-", "no participant tokens; cannot go on")
            return
        call("POST", "/api/join", body={"code": code, "name": "Cy", "area": "Kultur"}, expect={400}, code="invalid")
        call("POST", "/api/join", body={"code": code, "area": "Skole"}, expect={400}, code="invalid")
        call("POST", "/api/join", body={"code": "QQQQQQQQQQ", "name": "Cy", "area": "Skole"}, expect={404},
             code="unknown_code")
        call("POST", "/api/join", raw=b'{"code": "' + code.encode() + b'", ', expect={400}, code="invalid")
        call("POST", "/api/join", body={"code": code, "name": "Cy", "area": "Skole"},
             content_type="application/x-www-form-urlencoded", expect={415}, code="unsupported_media_type")
        call("POST", "/api/join", body={"code": code, "name": "Cy", "area": "Skole", "pad": "x" * 70_000},
             expect={413}, code="too_large")

        # The participants' views, and tokens in the wrong place.
        mine = call("GET", f"/api/sessions/{sid}/participant", token=ann["token"], expect={200}).json or {}
        self.require((mine.get("you") or {}).get("name") == "Ann" and mine.get("phase") == "lobby", "GET",
                     f"/api/sessions/{sid}/participant", 200, "Ann's view does not show Ann in the lobby")
        call("GET", f"/api/sessions/{sid}/participant", expect={401}, code="unauthorised")
        if other:
            call("GET", f"/api/sessions/{other}/participant", token=ann["token"], expect={401}, code="unauthorised")
            call("POST", f"/api/sessions/{other}/answers", token=ann["token"], body={"ask": 1, "value": 3},
                 expect={401}, code="unauthorised")
        call("GET", "/api/sessions/zzzzzzzz/participant", token=ann["token"], expect={401}, code="unauthorised")
        call("GET", "/api/sessions/..bad/participant", token=ann["token"], expect={404}, code="unknown_session")
        call("POST", f"/api/sessions/{sid}/answers", token=ann["token"], body={"ask": 999, "value": "x"},
             expect={409}, code="not_open")
        done = f"/api/sessions/{sid}/done"
        call("POST", done, token=ann["token"], body={}, expect={403}, code="not_in_session")  # the lobby: no group
        call("POST", done, body={}, expect={401}, code="unauthorised")

        # The trainer's views.
        console = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
        self.require(sorted(p.get("name") for p in console.get("people", [])) == ["Ann", "Bo"], "GET",
                     f"/api/sessions/{sid}/console", 200, "the console does not list Ann and Bo")
        call("GET", f"/api/sessions/{sid}/console", expect={401}, code="unauthorised")
        call("GET", "/api/sessions/zzzzzzzz/console", token=trainer, expect={404}, code="unknown_session")
        screen = call("GET", f"/api/sessions/{sid}/screen", token=trainer, expect={200}).json or {}
        self.require(screen.get("joined") == 2 and screen.get("joinCode") == code, "GET",
                     f"/api/sessions/{sid}/screen", 200, "the screen does not show 2 joined and the code")
        call("GET", f"/api/sessions/{sid}/screen", token="y" * 43, expect={401}, code="unauthorised")
        call("GET", "/api/sessions/zzzzzzzz/screen", token=trainer, expect={404}, code="unknown_session")

        # Actions: the bad ones, then the workshop.
        actions = f"/api/sessions/{sid}/actions"
        call("POST", actions, token=trainer, body={"action": "step_back"}, expect={409}, code="nothing_to_undo")
        call("POST", actions, body={"action": "advance"}, expect={401}, code="unauthorised")
        call("POST", "/api/sessions/zzzzzzzz/actions", token=trainer, body={"action": "advance"}, expect={404},
             code="unknown_session")
        call("POST", actions, token=trainer, body={"action": "fly"}, expect={400}, code="invalid")
        call("POST", actions, token=trainer, body={"action": "extend", "timer": 1}, expect={400}, code="invalid")
        call("POST", actions, token=trainer, body={"timer": 1}, expect={400}, code="invalid")
        call("POST", actions, token=trainer, raw=b"{", expect={400}, code="invalid")
        call("POST", actions, token=trainer, raw=b'{"action":"advance"}', content_type="text/plain", expect={415})
        call("POST", actions, token=trainer, body={"action": "advance", "pad": "x" * 70_000}, expect={413})
        call("POST", actions, token=trainer, body={"action": "skip", "timer": 9999}, expect={409}, code="not_open")
        call("POST", actions, token=trainer, body={"action": "remove", "participant": "nobody"}, expect={403},
             code="not_in_session")
        advanced = call("POST", actions, token=trainer, body={"action": "advance"}, expect={200}).json or {}
        self.require(isinstance(advanced.get("revision"), int), "POST", actions, 200, "advance gave no revision")

        console = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
        timers = console.get("timers") or []
        if self.require(timers, "GET", f"/api/sessions/{sid}/console", 200, "no timer runs after advance"):
            timer = timers[0]["id"]
            call("POST", actions, token=trainer, body={"action": "extend", "timer": timer, "seconds": 60},
                 expect={200})
            call("POST", actions, token=trainer, body={"action": "extend", "timer": timer, "seconds": 0},
                 expect={400}, code="invalid")
            call("POST", actions, token=trainer, body={"action": "skip", "timer": timer}, expect={200})
            stepped = call("POST", actions, token=trainer, body={"action": "step_back"}, expect={200})
            result = stepped.json or {}
            self.require(result.get("undone") == "skip" and "revision" not in result, "POST", actions,
                         stepped.status, f"a step back should say it undid the skip, without a revision: {result}")
            back = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
            self.require(timer in [t.get("id") for t in back.get("timers", [])], "GET",
                         f"/api/sessions/{sid}/console", 200, f"timer {timer} is not back after the step back")
        call("GET", f"/api/sessions/{sid}/participant", token=bo["token"], expect={200})

        # "We're done" while the group's timer runs: Ann says it, once.
        view = call("GET", f"/api/sessions/{sid}/participant", token=ann["token"], expect={200}).json or {}
        if self.require(view.get("canSayDone") is True, "GET", f"/api/sessions/{sid}/participant", 200,
                        "Ann's group waits on a timer, but her view has no canSayDone"):
            call("POST", done, token=ann["token"], raw=b"", content_type=None, expect={200})
            call("POST", done, token=ann["token"], body={}, expect={409}, code="already_answered")
            view = call("GET", f"/api/sessions/{sid}/participant", token=ann["token"], expect={200}).json or {}
            self.require(view.get("saidDone") is True and (view.get("timer") or {}).get("saidDone"), "GET",
                         f"/api/sessions/{sid}/participant", 200, "Ann's view does not say she said done")
        self.list_question(trainer)
        self.follow_up(trainer)

        # Skip timers until the question reaches the phones.
        question = None
        for _ in range(8):
            view = call("GET", f"/api/sessions/{sid}/participant", token=ann["token"], expect={200}).json or {}
            if view.get("questions"):
                question = view["questions"][0]
                break
            console = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
            if not console.get("timers"):
                break
            call("POST", actions, token=trainer, body={"action": "skip", "timer": console["timers"][0]["id"]},
                 expect={200})
        answers = f"/api/sessions/{sid}/answers"
        if self.require(question, "GET", f"/api/sessions/{sid}/participant", 200,
                        "no question reached Ann after skipping the timers"):
            ask = question["id"]
            call("GET", f"/api/sessions/{sid}/screen", token=trainer, expect={200})
            call("POST", answers, token=ann["token"], body={"ask": ask, "value": "Jeg inviterer en kollega."},
                 expect={200})
            call("POST", answers, token=ann["token"], body={"ask": ask, "value": "Igen."}, expect={409},
                 code="already_answered")
            call("POST", answers, token=bo["token"], body={"ask": ask, "value": ["a", "b"]}, expect={400},
                 code="invalid")
            call("POST", answers, token=bo["token"], body={"ask": ask, "value": {"x": 1}}, expect={400},
                 code="invalid")
            call("POST", answers, token=bo["token"], body={"ask": "one", "value": "x"}, expect={400}, code="invalid")
            call("POST", answers, token=bo["token"], raw=b'{"ask":', expect={400}, code="invalid")
            call("POST", answers, token=bo["token"], body={"ask": ask, "value": "x"}, content_type="text/plain",
                 expect={415})
            call("POST", answers, token=bo["token"], body={"ask": ask, "value": "x" * 70_000}, expect={413})
            view = call("GET", f"/api/sessions/{sid}/participant", token=ann["token"], expect={200}).json or {}
            answered = [q for q in view.get("questions", []) if q.get("id") == ask]
            if answered:
                self.require(answered[0].get("answered") is True and "answer" in answered[0], "GET",
                             f"/api/sessions/{sid}/participant", 200, "Ann's view does not show her answer")
            console = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
            replies = [r for q in console.get("questions", []) if q.get("id") == ask for r in q.get("answers", [])]
            if [q for q in console.get("questions", []) if q.get("id") == ask]:
                self.require(any(r.get("who") == ann.get("participant") for r in replies), "GET",
                             f"/api/sessions/{sid}/console", 200, "the console does not show Ann's answer")
            call("POST", answers, token=bo["token"], body={"ask": ask, "value": "Jeg deler målet."},
                 expect={200, 409})

        # The live views over the WebSocket.
        self.websocket(sid, ann["token"], trainer)

        # Remove, end.
        call("POST", actions, token=trainer, body={"action": "remove", "participant": bo.get("participant")},
             expect={200})
        gone = call("GET", f"/api/sessions/{sid}/participant", token=bo["token"], expect={200}).json or {}
        self.require(gone.get("present") is False, "GET", f"/api/sessions/{sid}/participant", 200,
                     "a removed participant's view should say present: false")
        call("POST", answers, token=bo["token"], body={"ask": 1, "value": "x"}, expect={403}, code="not_in_session")
        call("POST", actions, token=trainer, body={"action": "remove", "participant": bo.get("participant")},
             expect={403}, code="not_in_session")
        call("POST", actions, token=trainer, body={"action": "end", "reason": "ignored"}, expect={200})
        call("POST", actions, token=trainer, body={"action": "advance"}, expect={409}, code="ended")
        call("POST", actions, token=trainer, body={"action": "step_back"}, expect={409}, code="ended")
        call("POST", answers, token=ann["token"], body={"ask": 1, "value": "x"}, expect={409}, code="ended")
        call("POST", "/api/join", body={"code": code, "name": "Dan", "area": "Skole"}, expect={409}, code="ended")
        final = call("GET", f"/api/sessions/{sid}/screen", token=trainer, expect={200}).json or {}
        self.require(final.get("phase") == "finished", "GET", f"/api/sessions/{sid}/screen", 200,
                     f"an ended session's phase is {final.get('phase')!r}, not finished")
        if other:
            self.scale(other, trainer)

        # Export and transcript.
        export = call("GET", f"/api/sessions/{sid}/export", token=trainer, expect={200})
        data = export.json or {}
        self.require(data.get("id") == sid and data.get("state") == "finished" and data.get("events"), "GET",
                     f"/api/sessions/{sid}/export", 200, "the export is not the finished session with its events")
        self.require(f"kraftfelt-{sid}.json" in (export.header("Content-Disposition") or ""), "GET",
                     f"/api/sessions/{sid}/export", 200, "the download is not named after the session")
        call("GET", f"/api/sessions/{sid}/export", expect={401}, code="unauthorised")
        call("GET", "/api/sessions/zzzzzzzz/export", token=trainer, expect={404}, code="unknown_session")
        transcript = call("GET", f"/api/sessions/{sid}/transcript", token=trainer, expect={200})
        self.require(transcript.body.decode("utf-8", "replace") == data.get("transcript"), "GET",
                     f"/api/sessions/{sid}/transcript", 200, "the transcript differs from the export's")
        call("GET", f"/api/sessions/{sid}/transcript", token="z" * 43, expect={401}, code="unauthorised")
        call("GET", "/api/sessions/zzzzzzzz/transcript", token=trainer, expect={404}, code="unknown_session")

        self.pages(sid, code, trainer)
        self.rate_limits(code, ann, sid)

    def list_question(self, trainer):
        """A session of a script with a list question: a JSON array is the answer."""
        call = self.call
        script = ('return kf.exercise { id = "liste", title = { da = "Liste", en = "List" }, minutes = 5, '
                  'run = function(s) s:ask(s.everyone, { da = "Idéer?", en = "Ideas?", kind = "list", max = 3 }) end }')
        created = call("POST", "/api/sessions", token=trainer, body={"script": script}, expect={201}).json or {}
        sid, code = created.get("id"), created.get("joinCode")
        if not sid or not code:
            return
        dee = call("POST", "/api/join", body={"code": code, "name": "Dee", "area": "Kultur"}, expect={201}).json or {}
        if not dee.get("token"):
            return
        call("POST", f"/api/sessions/{sid}/actions", token=trainer, body={"action": "advance"}, expect={200})
        view = call("GET", f"/api/sessions/{sid}/participant", token=dee["token"], expect={200}).json or {}
        questions = view.get("questions") or []
        if not self.require(questions and questions[0].get("kind") == "list" and questions[0].get("max") == 3, "GET",
                            f"/api/sessions/{sid}/participant", 200, f"no list question of 1 to 3: {questions}"):
            return
        ask = questions[0]["id"]
        answers = f"/api/sessions/{sid}/answers"
        call("POST", answers, token=dee["token"], body={"ask": ask, "value": ["a", "b", "c", "d"]}, expect={400},
             code="invalid")
        call("POST", answers, token=dee["token"], body={"ask": ask, "value": ["Tid", "Tid"]}, expect={400},
             code="invalid")
        call("POST", answers, token=dee["token"], body={"ask": ask, "value": "Tid"}, expect={400}, code="invalid")
        call("POST", answers, token=dee["token"], body={"ask": ask, "value": ["Tid", "Ro"]}, expect={200})
        export = call("GET", f"/api/sessions/{sid}/export", token=trainer, expect={200}).json or {}
        values = [e["answer"]["value"] for e in export.get("events", []) if isinstance(e, dict) and "answer" in e]
        self.require(values == [{"list": {"_0": ["Tid", "Ro"]}}], "GET", f"/api/sessions/{sid}/export", 200,
                     f"the logged answers are not the one list: {values}")

    def follow_up(self, trainer):
        """A script that asks for a follow-up: Eva's code when it ends, and answering with it once."""
        call = self.call
        script = ('return kf.exercise { id = "opf", title = { da = "Opfølgning", en = "Follow-up" }, minutes = 5, '
                  'run = function(s) for _, a in ipairs(s:ask(s.everyone, { da = "Effekt?", en = "Effect?", '
                  'kind = "scale", min = 1, max = 5 })) do s:measure("experienced_effect", a.value, '
                  '{ person = a.who, tags = { "before" } }) end '
                  's:follow_up { indicators = { "experienced_effect", "goal_acted_on" }, days = 10 } end }')
        # An anonymous session: Eva joins without a name.
        created = call("POST", "/api/sessions", token=trainer, body={"script": script, "anonymous": True},
                       expect={201}).json or {}
        sid, code = created.get("id"), created.get("joinCode")
        if not sid or not code:
            return
        info = call("GET", f"/api/join/{code}", expect={200}).json or {}
        self.require(info.get("anonymous") is True, "GET", f"/api/join/{code}", 200, f"not anonymous: {info}")
        eva = call("POST", "/api/join", body={"code": code, "area": "Kultur"}, expect={201}).json or {}
        if not eva.get("token"):
            return
        mine = f"/api/sessions/{sid}/follow-up"
        call("GET", mine, token=eva["token"], expect={404}, code="no_follow_up")
        call("GET", mine, token="x." + eva["token"], expect={401}, code="unauthorised")
        call("POST", f"/api/sessions/{sid}/actions", token=trainer, body={"action": "advance"}, expect={200})
        view = call("GET", f"/api/sessions/{sid}/participant", token=eva["token"], expect={200}).json or {}
        questions = view.get("questions") or []
        if not questions:
            return
        call("POST", f"/api/sessions/{sid}/answers", token=eva["token"], body={"ask": questions[0]["id"], "value": 2},
             expect={200})
        offer = call("GET", mine, token=eva["token"], expect={200}).json or {}
        if not offer.get("code"):
            return
        digits = offer["code"].replace("-", "")
        call("GET", "/f", expect={200})
        call("GET", "/f?code=" + offer["code"].lower(), expect={303})
        call("GET", f"/f/{digits}?lang=en", expect={200})
        call("GET", "/f/ZZZZZZZZZZZZZZZZ", expect={404})
        api = f"/api/follow-up/{digits}"
        state = call("GET", api, expect={200}).json or {}
        self.require(state.get("status") == "open" and [q.get("id") for q in state.get("questions", [])]
                     == ["experienced_effect", "goal_acted_on"], "GET", api, 200, f"not the open follow-up: {state}")
        call("GET", "/api/follow-up/ZZZZZZZZZZZZZZZZ", expect={404}, code="unknown_follow_up")
        call("POST", api, body={"answers": {"experienced_effect": 9}}, expect={400}, code="invalid")
        call("POST", api, body={"answers": {"experienced_effect": 4}}, content_type="text/plain", expect={415},
             code="unsupported_media_type")
        call("POST", api, raw=b"{" + b" " * 70000 + b"}", expect={413}, code="too_large")
        call("POST", f"/f/{digits}", raw=b"experienced_effect=many", content_type="application/x-www-form-urlencoded",
             expect={400})
        done = call("POST", api, body={"answers": {"experienced_effect": 4, "goal_acted_on": True}},
                    expect={200}).json or {}
        self.require(done.get("status") == "answered", "POST", api, 200, f"not answered: {done}")
        call("POST", api, body={"answers": {"experienced_effect": 5}}, expect={409}, code="follow_up_used")
        call("POST", f"/f/{digits}", raw=b"experienced_effect=5", content_type="application/x-www-form-urlencoded",
             expect={409})
        # Its report, in each format, and the organisation's.
        for fmt in ("html", "json", "csv"):
            call("GET", f"/api/sessions/{sid}/report?format={fmt}", token=trainer, expect={200})
        call("GET", f"/api/sessions/{sid}/report?format=pdf", token=trainer, expect={400}, code="invalid")
        call("GET", f"/api/sessions/{sid}/report", expect={401}, code="unauthorised")
        call("GET", "/api/sessions/zzzzzzzz/report", token=trainer, expect={404}, code="unknown_session")
        call("GET", "/api/report?format=json&lang=en", token=trainer, expect={200})
        call("GET", "/api/report?from=2200-01-01", token=trainer, expect={404}, code="not_found")
        call("GET", "/api/report?from=yesterday", token=trainer, expect={400}, code="invalid")

    def scale(self, sid, trainer):
        """A `maaling` session: one person answers a scale question with a number."""
        call = self.call
        code = (call("GET", f"/api/sessions/{sid}/screen", token=trainer, expect={200}).json or {}).get("joinCode")
        if not code:
            return
        cy = call("POST", "/api/join", body={"code": code, "name": "Cy", "area": "Kultur"}, expect={201}).json or {}
        if not cy.get("token"):
            return
        call("POST", f"/api/sessions/{sid}/actions", token=trainer, body={"action": "advance"}, expect={200})
        view = call("GET", f"/api/sessions/{sid}/participant", token=cy["token"], expect={200}).json or {}
        questions = view.get("questions") or []
        if not self.require(questions and questions[0].get("kind") == "scale", "GET",
                            f"/api/sessions/{sid}/participant", 200, f"no scale question after advance: {questions}"):
            return
        ask = questions[0]["id"]
        answers = f"/api/sessions/{sid}/answers"
        call("POST", answers, token=cy["token"], body={"ask": ask, "value": 9}, expect={400}, code="invalid")
        call("POST", answers, token=cy["token"], body={"ask": ask, "value": "many"}, expect={400}, code="invalid")
        console = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
        call("POST", answers, token=cy["token"], body={"ask": ask, "value": 4}, expect={200})
        after = call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
        self.require(after.get("revision", 0) > console.get("revision", 0), "GET", f"/api/sessions/{sid}/console",
                     200, "the answer did not move the console's revision")
        export = call("GET", f"/api/sessions/{sid}/export", token=trainer, expect={200}).json or {}
        values = [e["answer"]["value"] for e in export.get("events", []) if isinstance(e, dict) and "answer" in e]
        self.require({"number": {"_0": 4}} in values, "GET", f"/api/sessions/{sid}/export", 200,
                     f"the logged answer is not {{'number': {{'_0': 4}}}}: {values}")

    def websocket(self, sid, participant, trainer):
        ws = f"/ws/sessions/{sid}"
        call = self.call
        # Refused before the upgrade (plain GETs).
        call("GET", f"{ws}?view=screen", expect={426}, code="upgrade_required")
        call("GET", ws, expect={400}, code="invalid")
        call("GET", f"{ws}?view=everything", expect={400}, code="invalid")
        call("GET", "/ws/sessions/zzzzzzzz?view=screen", expect={404}, code="unknown_session")
        call("GET", f"{ws}?view=screen", headers={"Origin": "http://evil.example"}, expect={403}, code="forbidden")
        # Pushes.
        self.ws_push(f"{ws}?view=screen", {"token": trainer, "data": True}, "ScreenView", with_data=True)
        self.ws_push(f"{ws}?view=participant", {"token": participant}, "ParticipantView", with_data=False)
        console = self.call("GET", f"/api/sessions/{sid}/console", token=trainer, expect={200}).json or {}
        revision = console.get("revision")
        if isinstance(revision, int):
            self.ws_push(f"{ws}?view=console", {"token": trainer, "revision": revision - 1, "data": True},
                         "ConsoleView", with_data=True, after=revision - 1)
        # Refused after it.
        self.ws_refused(f"{ws}?view=console", {"token": "w" * 43}, "unauthorised")
        self.ws_refused(f"{ws}?view=screen", {"revision": 1}, "invalid")

    def pages(self, sid, code, trainer):
        call = self.call
        home = call("GET", "/", expect={200})
        self.require(home.body.lstrip().lower().startswith(b"<!doctype html"), "GET", "/", 200, "not an HTML page")
        english = call("GET", "/?lang=en&code=ABC", expect={200})
        self.require(b'<html lang="en"' in english.body, "GET", "/?lang=en", 200, "?lang=en is not English")
        moved = call("GET", "/j?code=ab-c", expect={303})
        self.require(moved.header("Location") == "/j/ABC", "GET", "/j?code=ab-c", 303,
                     f"redirects to {moved.header('Location')!r}, not /j/ABC")
        joining = call("GET", f"/j/{code.lower()}", expect={200})
        self.require(code.encode() in joining.body, "GET", f"/j/{code.lower()}", 200, "the join page lacks the code")
        call("GET", "/j/ZZZZZZ", expect={404})
        call("GET", f"/p/{sid}", expect={200})
        call("GET", "/p/..bad", expect={404}, code="unknown_session")
        call("GET", "/console?lang=da", expect={200})
        listing = call("GET", "/console/sessions", token=trainer, expect={200})
        self.require(sid.encode() in listing.body, "GET", "/console/sessions", 200, "the fragment lacks the session")
        call("GET", "/console/sessions", expect={401}, code="unauthorised")
        call("GET", f"/console/{sid}", expect={200})
        call("GET", "/console/-bad", expect={404}, code="unknown_session")
        call("GET", f"/screen/{sid}?lang=en", expect={200})
        call("GET", "/screen/-bad", expect={404}, code="unknown_session")
        call("GET", "/static/kraftfelt.css", expect={200})
        call("GET", "/static/kraftfelt.js", expect={200})
        # A route that does not exist: 404 with the error body (it is in no path of the document).
        path = "/api/no-such-route"
        try:
            with self.opener.open(self.base + path, timeout=20) as response:
                status, body, content_type = response.status, response.read(), response.headers.get("Content-Type")
        except urllib.error.HTTPError as error:
            status, body, content_type = error.code, error.read(), error.headers.get("Content-Type")
        if self.require(status == 404 and (content_type or "").startswith("application/json"), "GET", path, status,
                        f"expected a JSON 404, got {content_type!r}"):
            self.check_value(("GET", path, status), "/components/schemas/ErrorNotFound", json.loads(body))
        else:
            self.checked += 1

    def rate_limits(self, code, ann, sid):
        """Uses up each allowance until it answers 429 (last, since it spoils the address)."""
        def until_429(label, send, limit):
            for _ in range(limit):
                reply = send()
                if reply.status == 429:
                    return
                if reply.status == 0:
                    return
            self.fail(*label, "-", f"no 429 after {limit} requests")

        until_429(("POST", "/api/join"),
                  lambda: self.call("POST", "/api/join", body={"code": "QQQQQQQQQQ", "name": "Eve", "area": "Skole"},
                                    expect={404, 429}), 60)
        until_429(("POST", f"/api/sessions/{sid}/answers"),
                  lambda: self.call("POST", f"/api/sessions/{sid}/answers", token=ann["token"],
                                    body={"ask": 1, "value": "x"}, expect={409, 429}), 30)
        until_429(("GET", "/api/sessions"),
                  lambda: self.call("GET", "/api/sessions", token="v" * 43, expect={401, 429}), 40)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="the trainer token `kraftfelt serve` printed")
    parser.add_argument("--verbose", action="store_true", help="print every response as it is checked")
    arguments = parser.parse_args()
    return Checker(arguments.base, arguments.token, arguments.verbose).run()


if __name__ == "__main__":
    sys.exit(main())
