"""Messages per second of the inbound mail parser alone (no database).

    .venv/bin/python bench/mail_parse.py                   # peer's 2,000 synthetic mails + corpus
    .venv/bin/python bench/mail_parse.py --n 5000 --repeat 5
    .venv/bin/python bench/mail_parse.py --compare         # also the raw engines, for the doc

Workloads: the peer's synthetic support mail (`../shared/peer/bench_ingest.generate_mailbox`, same
seed as the ingest benchmark) and the team corpus in tests/mail/messages/. Reports the best of
`--repeat` runs, single process, one core.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import sys
import tempfile
import time
from collections.abc import Callable
from email.header import decode_header, make_header
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asista.mail.parsing import core, engines, parse  # noqa: E402

PEER = ROOT.parent / "shared" / "peer"
CORPUS = ROOT / "tests" / "mail" / "messages"


def peer_mailbox(n: int, seed: int) -> list[bytes]:
    """The peer's synthetic mail, generated into a temporary folder and read back."""
    sys.path.insert(0, str(PEER))
    import bench_ingest  # type: ignore[import-not-found]

    existing = [
        {
            "id": i,
            "title": f"Ticket {i}",
            "description": "Earlier request text.",
            "message_id": f"<t{i}@x>",
        }
        for i in range(1, 21)
    ]
    with tempfile.TemporaryDirectory() as folder:
        bench_ingest.generate_mailbox(n, Path(folder), existing, seed)
        return [p.read_bytes() for p in sorted(Path(folder).glob("*.eml"))]


def corpus() -> list[bytes]:
    return [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]


def stdlib_default(raw: bytes) -> object:
    """What the issue first proposed: policy.default, body and attachments decoded."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    _ = (str(msg["from"]), str(msg["to"]), str(msg["subject"]), msg["date"])
    body = msg.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    files = [(a.get_filename(), a.get_content()) for a in msg.iter_attachments()]
    return text, files


def stdlib_compat32(raw: bytes) -> object:
    """compat32 with headers decoded explicitly and every leaf transfer-decoded."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    head = [str(make_header(decode_header(msg.get(h, "")))) for h in ("from", "to", "subject")]
    leaves = [p.get_payload(decode=True) for p in msg.walk() if not p.is_multipart()]
    return head, leaves


def fast_raw(raw: bytes) -> object:
    import fast_mail_parser

    return fast_mail_parser.parse_email(raw)


def asista_stdlib_only(raw: bytes) -> object:
    """Asista's parser with the fast engine switched off."""
    saved = engines.fast_engine_available
    engines.fast_engine_available = lambda: False  # type: ignore[assignment]
    try:
        return core.parse(raw)
    finally:
        engines.fast_engine_available = saved  # type: ignore[assignment]


def measure(fn: Callable[[bytes], object], mails: list[bytes], repeat: int) -> tuple[float, int]:
    """Best rate over `repeat` runs, and how many messages raised (counted, not fatal)."""
    best = float("inf")
    failures = 0
    for _ in range(repeat):
        failures = 0
        start = time.perf_counter()
        for raw in mails:
            try:
                fn(raw)
            except Exception:  # a raw engine that raises is part of what is measured
                failures += 1
        best = min(best, time.perf_counter() - start)
    return len(mails) / best, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="also time the raw engines")
    args = parser.parse_args()
    workloads = {
        "peer-synthetic": peer_mailbox(args.n, args.seed) if PEER.exists() else [],
        "corpus": corpus(),
    }
    candidates: dict[str, Callable[[bytes], object]] = {"asista parse()": parse}
    if args.compare:
        candidates = {
            "stdlib policy.default": stdlib_default,
            "stdlib compat32 + decode": stdlib_compat32,
            "fast-mail-parser raw": fast_raw,
            "asista parse(), stdlib engine": asista_stdlib_only,
            **candidates,
        }
    for workload, mails in workloads.items():
        if not mails:
            print(f"{workload}: no messages found")
            continue
        size = sum(map(len, mails)) / len(mails) / 1024
        print(f"{workload}: {len(mails)} messages, {size:.1f} KiB average")
        for name, fn in candidates.items():
            rate, failures = measure(fn, mails, args.repeat)
            raised = f"  ({failures} raised)" if failures else ""
            print(f"  {name:32s} {rate:10,.0f} msg/s{raised}")
        engines_used: dict[str, int] = {}
        for raw in mails:
            engine = parse(raw).engine
            engines_used[engine] = engines_used.get(engine, 0) + 1
        print(f"  engines used by parse(): {engines_used}")


if __name__ == "__main__":
    main()
