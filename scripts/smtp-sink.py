#!/usr/bin/env python3
"""SMTP sink for the email tests (python3-aiosmtpd): every accepted message is stored as one file in DIR/new,
with the envelope in X-Sink-Mail-From / X-Sink-Rcpt-To headers prepended (and X-Sink-Auth, X-Sink-Tls: yes/no).

Recipients decide the answer, so tests can exercise Kefu's retry logic against a real server:
  reject-...@...        550 5.1.1 mailbox unavailable (permanent)
  tempfail-...@...      451 4.3.0 try again later (always)
  flaky-...@...         451 the first time this address is seen, accepted afterwards
AUTH PLAIN/LOGIN is offered (without TLS) and accepts user "kefu" with password "secret" only;
a client that does not authenticate is accepted too. STARTTLS when --cert/--key are given.
"""
import argparse, os, signal, ssl, threading, time, uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, directory):
        self.new = os.path.join(directory, "new")
        self.tmp = os.path.join(directory, "tmp")
        os.makedirs(self.new, exist_ok=True)
        os.makedirs(self.tmp, exist_ok=True)
        self.seen = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("tempfail-"):
            return "451 4.3.0 temporary failure, try again later"
        if local.startswith("flaky-"):
            with self.lock:
                first = address.lower() not in self.seen
                self.seen.add(address.lower())
            if first:
                return "451 4.3.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%d.%s.sink" % (time.time_ns(), uuid.uuid4().hex)
        head = "X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\nX-Sink-Auth: %s\r\nX-Sink-Tls: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos), "yes" if session.authenticated else "no",
            "yes" if session.ssl is not None else "no")
        data = envelope.original_content if envelope.original_content is not None else envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        tmp = os.path.join(self.tmp, name)
        with open(tmp, "wb") as f:
            f.write(head.encode("ascii"))
            f.write(data)
        os.rename(tmp, os.path.join(self.new, name))  # atomic: readers never see half a message
        return "250 2.0.0 queued as " + name


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"kefu" and auth_data.password == b"secret"
    return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    a = p.parse_args()
    kwargs = dict(authenticator=authenticator, auth_require_tls=False, decode_data=False)
    if a.cert and a.key:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kwargs.update(tls_context=ctx, require_starttls=False)
    controller = Controller(Handler(a.dir), hostname="127.0.0.1", port=a.port, server_kwargs=kwargs)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
