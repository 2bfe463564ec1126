"""Django 3.2 peer (Debian's python3-django under /usr/bin/python3).

Usage:
  django_bench.py build <rich|plain> <round_ms> <rounds>
  django_bench.py smtp-reuse <count> <host> <port> [reps]  # one get_connection(), send_messages()
  django_bench.py smtp-new <count> <host> <port> [reps]    # msg.send(): a new connection per message
Prints one JSON line. The workload mirrors bench/lib/workload.mjs.
"""
import json
import sys
import time

from django.conf import settings

settings.configure(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=25,
    DEFAULT_CHARSET="utf-8",
)
import django  # noqa: E402

django.setup()
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection  # noqa: E402
from django.core.mail.utils import DNS_NAME  # noqa: E402


def repeat_to(unit, length):
    return (unit * (length // len(unit) + 1))[:length]


RICH_FROM = "Zoë Ünïcode <zoe@example.com>"
RICH_TEXT = repeat_to("Hello Zoë, this is line of the message body. ", 2048)
RICH_HTML = repeat_to("<p>Hello <b>Zoë</b>, this is the html part.</p>", 4096)
RICH_ATTACHMENT = bytes((k * 31 + 7) % 256 for k in range(20480))
PLAIN_FROM = "sender@example.com"
PLAIN_TEXT = repeat_to("Plain ASCII body text for the fixed-cost workload. ", 200)


def rich(i, connection=None):
    msg = EmailMultiAlternatives(
        subject="Réunion n°%d — ordre du jour" % i,
        body=RICH_TEXT,
        from_email=RICH_FROM,
        to=["user%d@example.org" % i, "Второй <second@example.net>"],
        connection=connection,
    )
    msg.attach_alternative(RICH_HTML, "text/html")
    msg.attach("report.bin", RICH_ATTACHMENT, "application/octet-stream")
    return msg


def plain(i, connection=None):
    return EmailMessage(
        subject="Plain message %d" % i,
        body=PLAIN_TEXT,
        from_email=PLAIN_FROM,
        to=["user%d@example.org" % i],
        connection=connection,
    )


def rate_of(fn, round_ms, rounds, warmup_ms=300):
    counter = [0]

    def one_round(ms):
        start = time.perf_counter()
        n = 0
        now = start
        while (now - start) * 1000 < ms:
            fn(counter[0])
            counter[0] += 1
            n += 1
            now = time.perf_counter()
        return n / (now - start)

    one_round(warmup_ms)
    rates = [one_round(round_ms) for _ in range(rounds)]
    return max(rates), rates


def main():
    mode = sys.argv[1]
    str(DNS_NAME)  # resolve the FQDN once (Django caches it) before timing
    if mode == "build":
        make = rich if sys.argv[2] == "rich" else plain
        sample = make(0).message().as_bytes(linesep="\r\n")
        rate, rates = rate_of(
            lambda i: make(i).message().as_bytes(linesep="\r\n"), int(sys.argv[3]), int(sys.argv[4])
        )
        print(json.dumps({"rate": rate, "rates": rates, "bytes": len(sample)}))
        return
    count, host, port = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    reps = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    if mode == "smtp-reuse":
        get_connection(host=host, port=port).send_messages([rich(i) for i in range(50)])  # warm-up

        def run():
            conn = get_connection(host=host, port=port)
            conn.open()
            sent = conn.send_messages([rich(i) for i in range(count)])
            conn.close()
            return sent

    elif mode == "smtp-new":
        conn = get_connection(host=host, port=port)
        for i in range(10):
            rich(i, conn).send()

        def run():
            # a closed connection object opens and closes around each send_messages()
            return sum(rich(i, conn).send() for i in range(count))

    else:
        raise SystemExit("unknown mode " + mode)
    rates = []
    for _ in range(reps):
        start = time.perf_counter()
        sent = run()
        rates.append(sent / (time.perf_counter() - start))
    print(json.dumps({"rate": max(rates), "rates": rates, "sent": count * reps}))

main()
