#!/usr/bin/env python3
"""`warrant serve` end to end: starts the real binary on an ephemeral loopback port and talks
HTTP/1.1 to it with the standard library (http.client, ssl, socket, threading).

Usage: test_serve.py WARRANT REPO WORK GROUP

GROUP is one of:
  routes    each route; decisions equal `warrant run`'s (examples/claims.ndjson, X12, FHIR) and
            explanations `warrant explain`'s; 400 with the record error code, 404, 405, 413; a
            client slow to send a body gets 408 while others are served; the access log holds
            no claim data; /metrics counts what was done
  connections  --max-connections: with N connections open, one more gets a prompt 503 (whether
            it sent a request or not) while the N are still answered; once one closes, a new
            client is served
  timeouts  a request line or headers cut short get 408 after --read-timeout, a client that
            never reads its replies is dropped after --write-timeout; others are served
            meanwhile, and /metrics counts the drops
  auth      --token-file: 401 without or with a wrong token (body never logged), 200 with it
  tls       HTTPS with a self-signed certificate made here by `openssl req`; a TLS connection
            over --max-connections gets 503
  reload    POST /v1/reload and SIGHUP change the decisions' pack hash; a corrupt pack is
            refused and the old one keeps serving
  shutdown  SIGTERM lets a request in flight finish, then the server exits 0
  load      two keep-alive clients for five seconds with reloads in the middle: every request
            answered 200
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

WARRANT, REPO, WORK, GROUP = sys.argv[1:5]
EXAMPLES = os.path.join(REPO, "examples")
CLAIMS = os.path.join(EXAMPLES, "claims.ndjson")
X12 = os.path.join(EXAMPLES, "x12", "screening.837p.txt")
FHIR = os.path.join(REPO, "tests", "unit", "data", "fhir", "bundle.json")
OTHER_PACK_SOURCE = os.path.join(REPO, "tests", "fhir", "therapy.warrant")
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print(f"FAIL: {what}", flush=True)


def build_pack(source, out):
    subprocess.run([WARRANT, "build", source, "-o", out, "--no-progress"], check=True,
                   cwd=REPO, stdout=subprocess.DEVNULL)
    return out


def build_variant(out):
    """The examples' pack with one comment more: the same decisions under another pack hash."""
    src = os.path.join(WORK, "examples_variant")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(EXAMPLES, src)
    with open(os.path.join(src, "medicare", "drug_j0897_denosumab.warrant"), "a") as f:
        f.write("\n// a variant of the examples for the serve tests\n")
    return build_pack(src, out)


def replace_file(src, dst):
    tmp = dst + ".tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


class Server:
    """A `warrant serve` process; its stderr is collected line by line."""

    def __init__(self, pack, *args):
        self.proc = subprocess.Popen([WARRANT, "serve", pack, "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     cwd=REPO)
        self.lines = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.time() + 60
        self.scheme = self.port = None
        while time.time() < deadline and self.port is None:
            for line in self.log_lines():
                m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)", line)
                if m:
                    self.scheme, self.port = m.group(1), int(m.group(2))
            if self.proc.poll() is not None and self.port is None:
                break
            time.sleep(0.05)
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("the server did not start: " + "".join(self.log_lines()))

    def _read(self):
        for line in self.proc.stderr:
            with self.lock:
                self.lines.append(line)

    def log_lines(self):
        with self.lock:
            return list(self.lines)

    def log(self):
        return "".join(self.log_lines())

    def connect(self, timeout=10, context=None):
        if self.scheme == "https":
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=context)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, context=None):
        conn = self.connect(context=context)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, dict(res.getheaders()), res.read().decode()
        finally:
            conn.close()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=30):
        """Waits for the server to exit by itself (a signal already sent): a second signal while it
        is exiting would race its shutdown."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            check(False, "the server did not exit after SIGTERM")
        self.reader.join(timeout=5)
        return code


def run_cli(*args, stdin=None):
    p = subprocess.run([WARRANT, *args], capture_output=True, text=True, cwd=REPO, input=stdin)
    return p.stdout


def decide(server, body, headers=None):
    return server.request("POST", "/v1/decide", body, headers)


def error_code(body):
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def pack_hashes(records):
    return {r.get("pack") for r in records}


# ---- groups ------------------------------------------------------------------------------------

def test_routes():
    pack = build_pack("examples", os.path.join(WORK, "examples.wpk"))
    server = Server(pack, "--max-body", "100000", "--read-timeout", "1")
    try:
        status, _, body = server.request("GET", "/healthz")
        check(status == 200 and json.loads(body)["status"] == "ok", f"healthz: {status} {body}")

        # Every claim of examples/claims.ndjson: the records `warrant run` writes for it.
        expected = run_cli("run", pack, CLAIMS, "-j", "1", "--no-progress").splitlines()
        by_claim = {}
        for line in expected:
            by_claim.setdefault(json.loads(line)["claim"], []).append(json.loads(line))
        lines_decided = 0
        with open(CLAIMS) as f:
            claims = [line for line in f if line.strip()]
        for claim in claims:
            claim_id = json.loads(claim)["id"]
            status, headers, body = decide(server, claim, {"Content-Type": "application/json"})
            check(status == 200, f"decide {claim_id}: {status} {body[:200]}")
            check(headers.get("Content-Type", "").startswith("application/json"),
                  f"decide content type {headers.get('Content-Type')}")
            got = json.loads(body) if status == 200 else None
            check(got == by_claim.get(claim_id), f"decide {claim_id}: {got} != run's")
            lines_decided += len(got or [])
        # NDJSON when asked: the exact bytes of `warrant run`.
        status, headers, body = decide(server, claims[0], {"Accept": "application/x-ndjson"})
        first_id = json.loads(claims[0])["id"]
        check(status == 200 and headers.get("Content-Type") == "application/x-ndjson",
              f"ndjson reply: {status} {headers.get('Content-Type')}")
        run_first = run_cli("run", pack, "-", "-j", "1", "--no-progress", stdin=claims[0])
        check(body == run_first, f"ndjson reply differs from run: {body!r} vs {run_first!r}")
        check(all(json.loads(l)["claim"] == first_id for l in body.splitlines()),
              "ndjson reply claim ids")

        # X12 837 and FHIR, by Content-Type and by their first bytes.
        for path, content_type in ((X12, "application/edi-x12"), (X12, "text/plain"),
                                   (FHIR, "application/fhir+json"), (FHIR, "application/json")):
            with open(path) as f:
                text = f.read()
            status, _, body = decide(server, text, {"Content-Type": content_type})
            want = [json.loads(l) for l in run_cli("run", pack, path, "-j", "1",
                                                   "--no-progress").splitlines()]
            check(status == 200 and json.loads(body) == want,
                  f"decide {os.path.basename(path)} as {content_type}: {status} {body[:300]}")
            lines_decided += len(want) if status == 200 else 0

        # Explain: JSON as `warrant explain --json`, text as `warrant explain`.
        claim_file = os.path.join(WORK, "claim.json")
        with open(claim_file, "w") as f:
            f.write(claims[0])
        status, _, body = server.request("POST", "/v1/explain", claims[0])
        want = json.loads(run_cli("explain", pack, claim_file, "--json"))
        check(status == 200 and json.loads(body) == want, f"explain json: {status} {body[:300]}")
        status, headers, body = server.request("POST", "/v1/explain", claims[0],
                                               {"Accept": "text/plain"})
        check(status == 200 and headers.get("Content-Type", "").startswith("text/plain") and
              body == run_cli("explain", pack, claim_file), f"explain text: {status} {body[:300]}")
        # The NDJSON reply above and the slow-client case below decide the first claim again.
        lines_decided += 2 * len(by_claim[first_id])

        # Bad requests: each answered with its JSON error, and the server serves on.
        status, _, body = decide(server, '{"id": "X", "lines": [')
        check(status == 400 and error_code(body) == "R0701", f"malformed JSON: {status} {body}")
        # A body sent as a form (curl's default Content-Type) is still a claim, whatever its size.
        big = dict(json.loads(claims[0]), facts={"pad": "x" * 20000})
        status, _, body = decide(server, json.dumps(big),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        check(status == 400 and error_code(body) == "R0706", f"form-encoded claim: {status} {body}")
        status, _, body = decide(server, '[1, 2]')
        check(status == 400 and re.fullmatch(r"R07\d\d", error_code(body) or ""),
              f"not an object: {status} {body}")
        bad_units = json.loads(claims[0])
        bad_units["lines"][0]["units"] = "two"
        status, _, body = decide(server, json.dumps(bad_units))
        check(status == 400 and error_code(body) == "R0703" and
              json.loads(body)["error"]["field"] == "lines[0].units",
              f"wrong type: {status} {body}")
        status, _, body = server.request("GET", "/v1/decide")
        check(status == 405 and error_code(body) == "method_not_allowed", f"405: {status} {body}")
        status, _, body = server.request("POST", "/healthz", "x")
        check(status == 405, f"POST /healthz: {status}")
        status, _, body = server.request("GET", "/nowhere")
        check(status == 404 and error_code(body) == "not_found", f"404: {status} {body}")
        status, _, body = decide(server, "x" * 200000)
        check(status == 413 and error_code(body) == "payload_too_large", f"413: {status} {body}")
        status, _, _ = server.request("GET", "/healthz")
        check(status == 200, "healthz after the bad requests")

        # A client that stops sending mid-body gets 408 after --read-timeout (1 s), and is
        # dropped; the others are served meanwhile.
        slow = socket.create_connection(("127.0.0.1", server.port))
        slow.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        status, _, _ = decide(server, claims[0])
        check(status == 200, "a request served while a slow client holds a connection")
        # The reply's head and body may come in two reads; the connection closes after it.
        data, waited, _ = read_until_closed(slow, 8)
        check(data.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in data and waited < 8,
              f"the slow client got 408 after {waited:.1f}s: {data[:200]!r}")
        slow.close()

        # Metrics: what was done above. The slow client's 408 and its dropped connection are
        # counted by its connection's thread once the reply is written, which may come just
        # after the client sees it: wait for both.
        def metric(name, labels=""):
            m = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
            return float(m.group(1)) if m else None
        deadline = time.time() + 5
        while True:
            status, headers, text = server.request("GET", "/metrics")
            if ((metric("warrant_http_requests_total", '{route="/v1/decide",status="408"}') == 1
                 and metric("warrant_http_connections_dropped_total",
                            '{reason="read_timeout"}') == 1)
                    or time.time() > deadline):
                break
            time.sleep(0.05)
        check(status == 200 and headers.get("Content-Type", "").startswith("text/plain"),
              f"metrics: {status}")
        n_ok = len(claims) + 1 + 4
        check(metric("warrant_http_requests_total", '{route="/v1/decide",status="200"}') ==
              n_ok + 1, f"decide 200 count: {text}")
        check(metric("warrant_http_requests_total", '{route="/v1/decide",status="400"}') == 4,
              "decide 400 count: the four bad claims")
        check(metric("warrant_http_requests_total", '{route="/v1/decide",status="408"}') == 1,
              "decide 408 count: the slow client")
        check(metric("warrant_http_connections_dropped_total", '{reason="read_timeout"}') == 1,
              "read timeouts counted")
        check(metric("warrant_http_requests_total", '{route="/v1/decide",status="413"}') == 1,
              "decide 413 count")
        check(metric("warrant_http_requests_total", '{route="other",status="404"}') == 1,
              "404 count")
        decisions = sum(float(v) for v in
                        re.findall(r"^warrant_decisions_total\{[^}]*\} (\S+)$", text, re.M))
        check(decisions == lines_decided, f"decisions counted {decisions}, {lines_decided} decided")
        count = metric("warrant_http_request_duration_seconds_count")
        inf = metric("warrant_http_request_duration_seconds_bucket", '{le="+Inf"}')
        check(count is not None and count == inf and count >= n_ok + 10, f"histogram {count}")
        pack_hash = json.loads(server.request("GET", "/healthz")[2])["pack_hash"]
        check(f'warrant_pack_info{{pack_hash="{pack_hash}"}} 1' in text, "pack info metric")
    finally:
        code = server.stop()
    check(code == 0, f"exit code {code} after SIGTERM")
    log = server.log()
    check(re.search(r" POST /v1/decide 200 \d+ [\d.]+ms$", log, re.M) is not None,
          f"access log lines: {log[-500:]}")
    for secret in ("CLM-FOBT-01", "PAT-1001", "Z12.11", "two"):
        check(secret not in log, f"claim content `{secret}` in the log")


def test_auth():
    pack = build_pack("examples", os.path.join(WORK, "examples.wpk"))
    token_file = os.path.join(WORK, "token")
    with open(token_file, "w") as f:
        f.write("s3cr3t-token-value\n")
    os.chmod(token_file, 0o600)
    server = Server(pack, "--token-file", token_file)
    marker = "PHI-MARKER-8812"
    claim = json.dumps({"id": marker, "lines": []})
    try:
        status, headers, body = decide(server, claim)
        check(status == 401 and error_code(body) == "unauthorized" and
              headers.get("WWW-Authenticate") == "Bearer", f"no token: {status} {body}")
        status, _, body = decide(server, claim, {"Authorization": "Bearer wrong"})
        check(status == 401, f"wrong token: {status}")
        status, _, body = decide(server, claim, {"Authorization": "Bearer s3cr3t-token-value0"})
        check(status == 401, f"longer token: {status}")
        status, _, body = decide(server, claim, {"Authorization": "Basic s3cr3t-token-value"})
        check(status == 401, f"other scheme: {status}")
        for path, method in (("/metrics", "GET"), ("/v1/reload", "POST"),
                             ("/v1/explain", "POST")):
            status, _, _ = server.request(method, path, "{}")
            check(status == 401, f"{method} {path} without a token: {status}")
        status, _, _ = server.request("GET", "/healthz")
        check(status == 200, "healthz needs no token")
        with open(CLAIMS) as f:
            first = f.readline()
        status, _, body = decide(server, first, {"Authorization": "Bearer s3cr3t-token-value"})
        check(status == 200 and json.loads(body), f"right token: {status} {body[:200]}")
        status, _, _ = server.request("GET", "/metrics", None,
                                      {"Authorization": "bearer s3cr3t-token-value"})
        check(status == 200, f"scheme case-insensitive: {status}")
    finally:
        code = server.stop()
    check(code == 0, f"exit {code}")
    check(marker not in server.log(), "an unauthorized body reached the log")
    check(" POST /v1/decide 401 " in server.log(), "401s are in the access log")
    # A missing token file is refused at start.
    p = subprocess.run([WARRANT, "serve", pack, "--listen", "127.0.0.1:0", "--token-file",
                        os.path.join(WORK, "missing")], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 1 and "token file" in p.stderr, f"missing token file: {p.stderr}")


def test_tls():
    if shutil.which("openssl") is None:
        print("SKIPPED: no openssl command")
        return
    pack = build_pack("examples", os.path.join(WORK, "examples.wpk"))
    cert, key = os.path.join(WORK, "cert.pem"), os.path.join(WORK, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    server = Server(pack, "--tls-cert", cert, "--tls-key", key)
    context = ssl.create_default_context(cafile=cert)
    try:
        check(server.scheme == "https", "listening line says https")
        with open(CLAIMS) as f:
            first = f.readline()
        status, _, body = server.request("POST", "/v1/decide", first, context=context)
        want = [json.loads(l) for l in run_cli("run", pack, "-", "-j", "1", "--no-progress",
                                               stdin=first).splitlines()]
        check(status == 200 and json.loads(body) == want, f"decide over TLS: {status}")
        # A client that does not trust the certificate is refused the handshake.
        try:
            server.request("GET", "/healthz", context=ssl.create_default_context())
            check(False, "an untrusted certificate was accepted")
        except ssl.SSLError:
            pass
        # Plain HTTP to the TLS port gets no HTTP answer; the server serves on.
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            check(False, f"plain HTTP answered {status}")
        except (http.client.HTTPException, OSError):
            pass
        status, _, _ = server.request("GET", "/healthz", context=context)
        check(status == 200, "healthz over TLS after a plain-HTTP client")
    finally:
        code = server.stop()
    check(code == 0, f"exit {code}")
    # Over TLS a connection over --max-connections is answered 503 after its request's headers
    # (httplib's TLS loop reads them), and closed; the held one is still served.
    server = Server(pack, "--tls-cert", cert, "--tls-key", key, "--max-connections", "1")
    try:
        held = server.connect(context=context)
        held.request("GET", "/healthz")
        res = held.getresponse()
        check(res.status == 200 and res.read(), "the held TLS connection answered")
        t0 = time.time()
        status, headers, body = server.request("GET", "/healthz", context=context)
        check(status == 503 and error_code(body) == "too_many_connections" and
              headers.get("Connection") == "close" and time.time() - t0 < 2,
              f"a TLS connection over the limit: {status} {headers} {body}")
        held.request("GET", "/healthz")
        res = held.getresponse()
        check(res.status == 200 and res.read(), "the held TLS connection after a refusal")
        held.close()
    finally:
        code = server.stop()
    check(code == 0, f"exit {code}")
    p = subprocess.run([WARRANT, "serve", pack, "--listen", "127.0.0.1:0", "--tls-cert", key,
                        "--tls-key", cert], capture_output=True, text=True, timeout=60)
    check(p.returncode == 1 and "TLS certificate" in p.stderr, f"bad TLS files: {p.stderr}")
    p = subprocess.run([WARRANT, "serve", pack, "--tls-cert", cert], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 2, f"--tls-cert alone: {p.returncode} {p.stderr}")


def decided_hash(server, claim):
    status, _, body = decide(server, claim)
    if status != 200:
        return f"status {status}"
    hashes = pack_hashes(json.loads(body))
    return hashes.pop() if len(hashes) == 1 else f"hashes {hashes}"


def test_reload():
    a = build_pack("examples", os.path.join(WORK, "a.wpk"))
    b = build_pack(OTHER_PACK_SOURCE, os.path.join(WORK, "b.wpk"))
    served = os.path.join(WORK, "served.wpk")
    replace_file(a, served)
    server = Server(served)
    with open(CLAIMS) as f:
        claim = f.readline()
    try:
        hash_a = decided_hash(server, claim)
        check(hash_a.startswith("sha256:") or len(hash_a) > 16, f"pack hash {hash_a}")
        replace_file(b, served)
        status, _, body = server.request("POST", "/v1/reload")
        check(status == 200 and json.loads(body)["status"] == "reloaded", f"reload: {body}")
        hash_b = decided_hash(server, claim)
        check(hash_b != hash_a and json.loads(body)["pack_hash"] == hash_b,
              f"hash after POST reload: {hash_a} -> {hash_b}")
        # A corrupt pack is refused; the one in force stays.
        with open(served, "wb") as f:
            f.write(b"WRNTPACK" + b"\x00garbage" * 10)
        status, _, body = server.request("POST", "/v1/reload")
        check(status == 500 and error_code(body) == "reload_failed" and hash_b in body,
              f"corrupt reload: {status} {body}")
        check(decided_hash(server, claim) == hash_b, "decisions after a failed reload")
        # SIGHUP.
        replace_file(a, served)
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        now = None
        while time.time() < deadline:
            now = decided_hash(server, claim)
            if now == hash_a:
                break
            time.sleep(0.1)
        check(now == hash_a, f"hash after SIGHUP: {now}")
        status, _, text = server.request("GET", "/metrics")
        check('warrant_pack_reloads_total{result="ok"} 2' in text and
              'warrant_pack_reloads_total{result="error"} 1' in text, "reload metrics")
        check(f'warrant_pack_info{{pack_hash="{hash_a}"}} 1' in text, "pack info after reload")
    finally:
        code = server.stop()
    check(code == 0, f"exit {code}")
    check("reload failed, still serving" in server.log(), "the failed reload is logged")


def test_shutdown():
    pack = build_pack("examples", os.path.join(WORK, "examples.wpk"))
    server = Server(pack)
    with open(CLAIMS) as f:
        claim = f.readline().encode()
    # A request in flight: headers and half its body sent before SIGTERM, the rest after.
    s = socket.create_connection(("127.0.0.1", server.port))
    head = (f"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(claim)}\r\n\r\n").encode()
    s.sendall(head + claim[:len(claim) // 2])
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.sendall(claim[len(claim) // 2:])
    s.settimeout(10)
    data = b""
    try:
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) == 0:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError as e:
        check(False, f"reading the in-flight reply: {e}")
    s.close()
    check(data.startswith(b"HTTP/1.1 200"), f"the request in flight finished: {data[:100]!r}")
    code = server.wait()
    check(code == 0, f"exit code after SIGTERM: {code}")
    check("SIGTERM" in server.log() and "stopped" in server.log(), "shutdown is logged")
    # New connections are refused once stopped.
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        check(False, "a connection was accepted after the server exited")
    except OSError:
        pass


def test_load():
    a = build_pack("examples", os.path.join(WORK, "a.wpk"))
    b = build_variant(os.path.join(WORK, "b.wpk"))
    served = os.path.join(WORK, "served.wpk")
    replace_file(a, served)
    server = Server(served, "--no-access-log")
    with open(CLAIMS) as f:
        claims = [line for line in f if line.strip()]
    status, _, body = server.request("GET", "/healthz")
    hash_a = json.loads(body)["pack_hash"]
    results = {"ok": 0, "failed": []}
    seen_hashes = set()
    lock = threading.Lock()
    stop_at = time.time() + 5

    def client(index):
        conn = server.connect()
        i = index
        ok, failed = 0, []
        while time.time() < stop_at:
            claim = claims[i % len(claims)]
            i += 1
            try:
                conn.request("POST", "/v1/decide", claim,
                             {"Content-Type": "application/json"})
                res = conn.getresponse()
                body = res.read()
                if res.status != 200:
                    failed.append(f"status {res.status}: {body[:200]!r}")
                    continue
                records = json.loads(body)
                if not records:
                    failed.append("no records")
                    continue
                with lock:
                    seen_hashes.update(pack_hashes(records))
                ok += 1
            except (OSError, http.client.HTTPException, ValueError) as e:
                failed.append(f"{type(e).__name__}: {e}")
                conn.close()
                conn = server.connect()
        conn.close()
        with lock:
            results["ok"] += ok
            results["failed"] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    reloads = 0
    time.sleep(1.5)
    for pack in (b, a, b):
        replace_file(pack, served)
        status, _, body = server.request("POST", "/v1/reload")
        check(status == 200, f"reload under load: {status} {body}")
        reloads += 1
        time.sleep(0.7)
    for t in threads:
        t.join()
    try:
        status, _, text = server.request("GET", "/metrics")
        m = re.search(r'^warrant_http_requests_total\{route="/v1/decide",status="200"\} (\d+)$',
                      text, re.M)
        served_count = int(m.group(1)) if m else -1
    finally:
        code = server.stop()
    print(f"load: {results['ok']} requests in 5 s by 2 clients, {reloads} reloads, "
          f"{len(results['failed'])} failed; pack hashes seen {len(seen_hashes)}")
    check(not results["failed"], f"failed requests: {results['failed'][:5]}")
    check(results["ok"] > 100, f"only {results['ok']} requests")
    check(served_count == results["ok"], f"server counted {served_count}, clients {results['ok']}")
    check(len(seen_hashes) == 2 and hash_a in seen_hashes, f"hashes seen {seen_hashes}")
    check(code == 0, f"exit {code}")


def read_until_closed(sock, limit):
    """What the server sends until it closes the connection; (data, seconds, closed)."""
    sock.settimeout(limit)
    t0 = time.time()
    data = b""
    closed = False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except ConnectionResetError:
        closed = True
    except OSError:
        pass
    return data, time.time() - t0, closed


def raw_reply(data):
    """(status, headers in lower case, body) of one HTTP/1.1 reply read whole."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0]) if lines else None
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return (int(m.group(1)) if m else None), headers, body.decode("utf-8", "replace")


def metrics_text(server):
    return server.request("GET", "/metrics")[2]


def metric_value(text, name, labels=""):
    m = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def wait_for_metric(server, name, labels, want, seconds=5):
    deadline = time.time() + seconds
    while True:
        value = metric_value(metrics_text(server), name, labels)
        if value == want or time.time() > deadline:
            return value
        time.sleep(0.05)


def test_connections():
    pack = build_pack("examples", os.path.join(WORK, "examples.wpk"))
    # More threads than the limit: what refuses the fourth connection is the limit, not a lack
    # of threads.
    limit = 3
    server = Server(pack, "--max-connections", str(limit), "--threads", "5")
    with open(CLAIMS) as f:
        claim = f.readline()
    held = []
    try:
        for _ in range(limit):
            conn = server.connect()
            conn.request("POST", "/v1/decide", claim)
            res = conn.getresponse()
            check(res.status == 200 and json.loads(res.read()), "a held connection answered")
            held.append(conn)
        # One more, with a request: a 503 with its JSON error and Connection: close, at once.
        extra = socket.create_connection(("127.0.0.1", server.port))
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data, waited, closed = read_until_closed(extra, 5)
        extra.close()
        status, headers, body = raw_reply(data)
        check(status == 503 and error_code(body) == "too_many_connections" and
              headers.get("connection") == "close" and headers.get("content-type") ==
              "application/json", f"over the limit: {data[:300]!r}")
        check(closed and waited < 2, f"the refused connection closed after {waited:.2f}s")
        # One more that sends nothing: refused all the same, without waiting for a request.
        silent = socket.create_connection(("127.0.0.1", server.port))
        data, waited, closed = read_until_closed(silent, 5)
        silent.close()
        check(raw_reply(data)[0] == 503 and closed and waited < 2,
              f"a silent connection over the limit: {data[:100]!r} after {waited:.2f}s")
        # The held connections are still served, kept alive.
        for conn in held:
            conn.request("GET", "/healthz")
            res = conn.getresponse()
            check(res.status == 200 and res.read(), "a held connection answered after refusals")
        # A slot freed: a new client is served (once the server has seen the close).
        held.pop().close()
        deadline = time.time() + 5
        status = None
        refused = 2  # and any retry here refused before the server saw the close
        while time.time() < deadline:
            try:
                status = decide(server, claim)[0]
            except (OSError, http.client.HTTPException) as e:
                status = str(e)
            if status == 200:
                break
            refused += 1
            time.sleep(0.05)
        check(status == 200, f"a new client after one closed: {status}")
        # Read on a held connection: a new one could be refused while the server has yet to
        # see the last client's close.
        held[0].request("GET", "/metrics")
        text = held[0].getresponse().read().decode()
        check(metric_value(text, "warrant_http_connections_dropped_total",
                           '{reason="over_limit"}') == refused, f"refusals counted: {refused}")
        check(metric_value(text, "warrant_http_requests_total",
                           '{route="other",status="503"}') == refused, "503s counted")
    finally:
        for conn in held:
            conn.close()
        code = server.stop()
    check(code == 0, f"exit {code}")
    check(re.search(r" - - 503 \d+ ", server.log()) is not None, "refusals in the access log")


def test_timeouts():
    pack = build_pack("examples", os.path.join(WORK, "examples.wpk"))
    server = Server(pack, "--read-timeout", "2", "--write-timeout", "1", "--threads", "4")
    with open(CLAIMS) as f:
        claim = f.readline()
    try:
        # Cut short in the request line, and in the headers: 408 after the read timeout, then
        # closed; another client is answered during the stall.
        for part, what in ((b"POST /v1/dec", "request line"),
                           (b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Le", "headers")):
            slow = socket.create_connection(("127.0.0.1", server.port))
            slow.sendall(part)
            t0 = time.time()
            status = decide(server, claim)[0]
            check(status == 200 and time.time() - t0 < 1.5,
                  f"served while a client stalls in its {what}: {status}")
            data, waited, closed = read_until_closed(slow, 8)
            slow.close()
            status, headers, body = raw_reply(data)
            check(status == 408 and error_code(body) == "request_timeout" and closed and
                  headers.get("connection") == "close",
                  f"stalled in the {what}: {data[:300]!r}, closed {closed}")
            check(1 < waited < 6, f"408 for the {what} after {waited:.2f}s")
        check(wait_for_metric(server, "warrant_http_connections_dropped_total",
                              '{reason="read_timeout"}', 2) == 2, "read timeouts counted")
        text = metrics_text(server)
        timeouts = sum(float(v) for v in re.findall(
            r'^warrant_http_requests_total\{route="[^"]*",status="408"\} (\S+)$', text, re.M))
        check(timeouts == 2, f"408s counted: {timeouts}")

        # A client that sends requests and never reads the replies, with a small receive
        # buffer: once the server's writes make no progress for --write-timeout, it is dropped.
        greedy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        greedy.connect(("127.0.0.1", server.port))
        greedy.settimeout(0.5)
        request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        sent = 0
        reply_size = len(text)
        try:
            while sent * reply_size < 64 << 20:
                greedy.sendall(request * 100)
                sent += 100
        except OSError:
            pass  # the server stopped reading: its replies are not taken
        t0 = time.time()
        status = decide(server, claim)[0]
        check(status == 200 and time.time() - t0 < 3, f"served while a client reads nothing: "
              f"{status}")
        dropped = wait_for_metric(server, "warrant_http_connections_dropped_total",
                                  '{reason="write_timeout"}', 1, seconds=10)
        check(dropped == 1, f"write timeouts counted: {dropped} ({sent} requests sent)")
        # What the server had written is there to read, then the end of the connection.
        data, _, closed = read_until_closed(greedy, 10)
        greedy.close()
        replies = data.count(b"HTTP/1.1 200 OK")
        check(closed and replies < sent, f"dropped after {replies} of {sent} replies")
        status = decide(server, claim)[0]
        check(status == 200, f"served after the drop: {status}")
    finally:
        code = server.stop()
    check(code == 0, f"exit {code}")


def main():
    os.makedirs(WORK, exist_ok=True)
    tests = {"routes": test_routes, "auth": test_auth, "tls": test_tls, "reload": test_reload,
             "shutdown": test_shutdown, "load": test_load, "connections": test_connections,
             "timeouts": test_timeouts}
    tests[GROUP]()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print(f"serve {GROUP}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
