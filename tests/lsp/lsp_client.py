"""A scripted Language Server Protocol client for testing `warrant lsp` over pipes.

Client starts the server, writes framed JSON-RPC messages to its standard input and reads its
standard output on a thread, so a test can wait for a response or a notification with a timeout
and never hang on a server that stopped answering.
"""
import json
import os
import queue
import subprocess
import threading
import time


class ServerGone(Exception):
    pass


class Client:
    def __init__(self, command, cwd=None, env=None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.messages = queue.Queue()
        self.backlog = []
        self.next_id = 1
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # ---- framing

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b':')
                if name.strip().lower() == b'content-length':
                    length = int(value.strip())
            if length is None:
                continue
            body = out.read(length)
            self.messages.put(json.loads(body))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line.decode('utf-8', 'replace'))

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode('utf-8')
        self.send_raw(b'Content-Length: %d\r\n\r\n' % len(body) + body)

    def request(self, method, params=None):
        id_ = self.next_id
        self.next_id += 1
        message = {'jsonrpc': '2.0', 'id': id_, 'method': method}
        if params is not None:
            message['params'] = params
        self.send(message)
        return id_

    def notify(self, method, params=None):
        message = {'jsonrpc': '2.0', 'method': method}
        if params is not None:
            message['params'] = params
        self.send(message)

    # ---- waiting

    def wait(self, predicate, timeout=10.0):
        """The first message (kept ones first) that `predicate` accepts; the others are kept."""
        for i, m in enumerate(self.backlog):
            if predicate(m):
                return self.backlog.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no matching message within %.1f s' % timeout)
            try:
                m = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if m is None:
                raise ServerGone('the server closed its output')
            if predicate(m):
                return m
            self.backlog.append(m)

    def response(self, id_, timeout=10.0):
        return self.wait(lambda m: m.get('id') == id_ and 'method' not in m, timeout)

    def call(self, method, params=None, timeout=10.0):
        return self.response(self.request(method, params), timeout)

    def diagnostics(self, uri, version=None, timeout=10.0):
        def match(m):
            if m.get('method') != 'textDocument/publishDiagnostics':
                return False
            p = m['params']
            return p['uri'] == uri and (version is None or p.get('version') == version)
        return self.wait(match, timeout)['params']['diagnostics']

    def drop_backlog(self):
        while True:
            try:
                m = self.messages.get_nowait()
            except queue.Empty:
                break
            if m is not None:
                self.backlog.append(m)
        self.backlog = []

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def uri_of(path):
    return 'file://' + os.path.abspath(path)


def position_of(text, needle, nth=0, delta=0):
    """The LSP position (ASCII text) of the nth occurrence of `needle`, plus `delta` characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count('\n', 0, at)
    column = at - (text.rfind('\n', 0, at) + 1)
    return {'line': line, 'character': column}
