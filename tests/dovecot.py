"""A private Dovecot IMAP server on a free loopback port, for the IMAP tests and bench/topology.py.

`dovecot_server()` starts one (plaintext login from a passwd-file, maildir in a temporary folder,
no TLS, a `Processed` folder made on demand) and stops it afterwards; it raises
`DovecotUnavailable` when Dovecot is not installed or does not start, which a test turns into
`need_service(...)` and a benchmark into an error.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "suport", "parola-test"
PROCESSED = "Processed"


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed (Debian package dovecot-imapd) or did not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config(tmp: Path, port: int) -> str:
    """A private Dovecot: plaintext auth from a passwd-file, maildir under tmp, no TLS."""
    runner = "dovecot" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    account = pwd.getpwnam(runner)
    (tmp / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    home = tmp / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, account.pw_uid, account.pw_gid)
    return f"""
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {runner if os.geteuid() else "dovenull"}
default_internal_user = {runner}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox {PROCESSED} {{
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@contextmanager
def dovecot_server() -> Iterator[int]:
    """Start a private Dovecot; yields its port on 127.0.0.1; stops it and removes its files after."""
    if not Path(DOVECOT).exists():
        raise DovecotUnavailable("dovecot is not installed (Debian package dovecot-imapd)")
    # Not pytest's tmp_path: Dovecot's unprivileged processes must be able to walk into it.
    folder = Path(tempfile.mkdtemp(prefix="asista-dovecot-"))
    folder.chmod(0o755)
    port = free_port()
    conf = folder / "dovecot.conf"
    conf.write_text(config(folder, port))
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        if not _wait_for(port, proc):
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            out = proc.stdout.read().decode() if proc.poll() is not None and proc.stdout else ""
            raise DovecotUnavailable(f"dovecot did not start: {out[-500:]} {log[-500:]}")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def client(port: int) -> IMAPClient:
    """A client logged in as the test account."""
    imap = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
    imap.login(USER, PASSWORD)
    return imap


def deliver(port: int, *raws: bytes, folder: str = "INBOX") -> None:
    """Put messages into a folder, as an MTA delivering to the mailbox would."""
    imap = client(port)
    for raw in raws:
        imap.append(folder, raw)
    imap.logout()
