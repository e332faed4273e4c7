"""Focused rules of the inbound parser, one behaviour per test."""

from __future__ import annotations

import base64
import hashlib
import sys
from datetime import UTC
from pathlib import Path

import pytest

from asista.mail.parsing import core, engines, parse
from asista.mail.parsing.addresses import trusted_name
from asista.mail.parsing.charsets import decode_bytes, decode_header, parse_params
from asista.mail.parsing.html import html_to_text, sanitize
from asista.mail.parsing.tnef import TnefError, read_tnef

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build_corpus import pdf  # noqa: E402
from tnef_writer import build_tnef  # noqa: E402

MESSAGES = sorted((HERE / "messages").glob("*.eml"))
WIN_PATH = r"C:\Users\Public\Documents\raport_nou\teste.xlsx"


def mail(headers: str, body: bytes | str, *, charset: str = "utf-8") -> bytes:
    head = "From: Ion Pop <ion@firma.ro>\r\nTo: suport@vendor.example\r\nMessage-ID: <t@firma.ro>\r\n"
    data = body.encode(charset) if isinstance(body, str) else body
    return (head + headers.replace("\n", "\r\n") + "\r\n").encode() + data


# ---------------------------------------------------------------- charsets


def test_it_prefers_utf8_over_a_latin1_label_when_the_bytes_are_utf8() -> None:
    assert decode_bytes("Mulțumim".encode(), "iso-8859-1") == ("Mulțumim", True)


def test_it_keeps_a_declared_charset_that_decodes() -> None:
    assert decode_bytes("Brânză şi ţuică".encode("cp1250"), "windows-1250") == ("Brânză şi ţuică", False)


def test_undeclared_windows_quotes_fall_to_windows_1250_not_iso_8859_2() -> None:
    text, fell_back = decode_bytes("„Factură”".encode("cp1250"))
    assert (text, fell_back) == ("„Factură”", True)


def test_an_unknown_label_falls_back_without_raising() -> None:
    assert decode_bytes("ofertă".encode(), "x-bogus-charset")[0] == "ofertă"


@pytest.mark.parametrize("data", [bytes(range(256)), b"\xff\xfe\x00", b"\x81\x8d\x8f\x90\x9d"])
def test_the_chain_decodes_any_bytes(data: bytes) -> None:
    assert isinstance(decode_bytes(data, "utf-8")[0], str)


def test_adjacent_encoded_words_join_without_the_space_between_them() -> None:
    raw = b"=?UTF-8?Q?Factur=C4=83?= =?UTF-8?Q?_lips=C4=83?= azi"
    assert decode_header(raw) == "Factură lipsă azi"


def test_a_broken_encoded_word_does_not_raise() -> None:
    assert isinstance(decode_header(b"=?utf-8?B?###?= x =?nope?Q?=FF?="), str)


def test_rfc2231_continuations_join_and_decode() -> None:
    _main, params = parse_params(
        "attachment; filename*0*=utf-8''Contract%20%C8%99i; filename*1=\" anex\u0103.pdf\""
    )
    assert params["filename"] == "Contract și anexă.pdf"


# ---------------------------------------------------------------- names and addresses


@pytest.mark.parametrize(
    ("name", "address", "expected"),
    [
        ("suport@vendor.example", "x@evil.example", ""),
        ("Banca (office@banca.ro)", "plata@evil.example", ""),
        ("ion@firma.ro", "ion@firma.ro", ""),
        ("Ion Pop (ion@firma.ro)", "ION@firma.ro", "Ion Pop"),
        ("Ștefan Țăranu", "s@firma.ro", "Ștefan Țăranu"),
    ],
)
def test_display_names_that_are_other_addresses_are_not_trusted(
    name: str, address: str, expected: str
) -> None:
    assert trusted_name(name, address) == expected


def test_a_spoofing_sender_is_flagged() -> None:
    raw = b'From: "director@firma.ro" <x@evil.example>\r\nSubject: s\r\n\r\nbody'
    parsed = parse(raw)
    assert (parsed.from_address, parsed.from_name) == ("x@evil.example", "")
    assert "display-name-is-another-address" in parsed.defects


def test_an_encoded_name_with_a_comma_stays_one_address() -> None:
    raw = b"From: =?utf-8?q?Popescu=2C_Ion?= <ion@firma.ro>\r\nSubject: s\r\n\r\nx"
    assert parse(raw).from_name == "Popescu, Ion"


# ---------------------------------------------------------------- bodies


@pytest.mark.parametrize("cte", ["8bit", "quoted-printable", "base64"])
def test_windows_paths_survive_byte_for_byte(cte: str) -> None:
    text = f"Fișierul este în {WIN_PATH}\n\\\\server\\share\\n.log\n"
    if cte == "base64":
        body = base64.encodebytes(text.encode()).decode()
    elif cte == "quoted-printable":
        import quopri

        body = quopri.encodestring(text.encode()).decode()
    else:
        body = text
    raw = mail(
        f"Subject: p\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {cte}\n", body
    )
    assert parse(raw).text == text


def test_text_is_derived_from_html_with_paragraph_breaks() -> None:
    html = "<p>Bună ziua,</p><p>Rândul 1<br>Rândul 2</p><ul><li>a</li><li>b</li></ul><div>Ion</div>"
    assert html_to_text(html) == "Bună ziua,\n\nRândul 1\nRândul 2\n\n- a\n- b\n\nIon\n"


def test_sanitized_html_keeps_cid_images_and_drops_scripts() -> None:
    html = sanitize(
        '<img src="cid:img1@x" onerror="x()"><script>alert(1)</script><a href="javascript:x">l</a>'
    )
    assert 'src="cid:img1@x"' in html
    assert "script" not in html and "onerror" not in html and "javascript" not in html


def test_inline_images_are_mapped_by_content_id() -> None:
    parsed = parse((HERE / "messages" / "outlook_inline_image.eml").read_bytes())
    image = parsed.attachment_for_cid("cid:image001.png@01DC4E1A.2B3C4D50")
    assert image is not None and image.inline and image.content_type == "image/png"


def test_format_flowed_lines_are_joined() -> None:
    assert core.unflow("Un rând  \nlung.\n-- \nIon", delsp=True) == "Un rând lung.\n-- \nIon"


def test_uuencoded_files_are_cut_out_of_the_text() -> None:
    import binascii

    data = b"cod;denumire\n1;Br\xc3\xa2nz\xc4\x83\n"
    body = "Vezi fișierul.\n\nbegin 644 stoc.csv\n" + binascii.b2a_uu(data).decode() + "`\nend\n"
    parsed = parse(mail("Subject: uu\nContent-Type: text/plain; charset=utf-8\n", body))
    assert "begin 644" not in parsed.text
    assert [(a.filename, a.data) for a in parsed.attachments] == [("stoc.csv", data)]


# ---------------------------------------------------------------- TNEF


def test_winmail_dat_is_unpacked_into_its_files_with_their_long_names() -> None:
    files = [("FACTUR~1.PDF", "Factură nouă.pdf", pdf("a"), "application/pdf"), ("X.TXT", "", b"abc", "")]
    tnef = read_tnef(build_tnef(files, body="Corp"))
    assert [(f.filename, f.data) for f in tnef.attachments] == [
        ("Factură nouă.pdf", pdf("a")),
        ("X.TXT", b"abc"),  # no long name: the 8-bit title stands in
    ]
    assert tnef.body == "Corp"


def test_the_corpus_winmail_dat_yields_the_bytes_that_went_in() -> None:
    parsed = parse((HERE / "messages" / "outlook_winmail_dat.eml").read_bytes())
    assert parsed.attachments[0].sha256 == hashlib.sha256(pdf("tnef-factura")).hexdigest()


def test_tnefparse_reads_our_tnef_fixtures_the_same_way() -> None:
    tnefparse = pytest.importorskip("tnefparse")
    stream = build_tnef([("FACTUR~1.PDF", "Factură.pdf", pdf("b"), "application/pdf")])
    theirs = tnefparse.TNEF(stream)
    assert [a.data for a in theirs.attachments] == [f.data for f in read_tnef(stream).attachments]


def test_a_stream_that_is_not_tnef_is_refused() -> None:
    with pytest.raises(TnefError):
        read_tnef(b"PK\x03\x04 not tnef")


def test_an_unreadable_winmail_dat_is_kept_as_it_came() -> None:
    body = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    body += "--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n"
    body += "Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n"
    parsed = parse(mail('Subject: t\nContent-Type: multipart/mixed; boundary="b"\n', body))
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert "tnef-unreadable" in parsed.defects


# ---------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    "subject",
    [
        "Răspuns automat: [#12] Factura",
        "Raspuns automat: test",
        "Absență: revin luni",
        "Out of Office: Invoice",
        "Automatic reply: Invoice",
        "Abwesenheitsnotiz: Ihre Anfrage",
        "Automatische Antwort: Rechnung",
        "Réponse automatique : Demande",
        "Absent du bureau",
    ],
)
def test_out_of_office_subjects_are_auto_replies(subject: str) -> None:
    raw = mail(f"Subject: {subject}\n", "x")
    assert parse(raw.replace(subject.encode(), subject.encode("utf-8"))).is_auto_reply


@pytest.mark.parametrize(
    "subject", ["Contabilul este absent, cine emite?", "Re: [#12] Factura", "Concedii medicale în raport"]
)
def test_ordinary_subjects_are_not_auto_replies(subject: str) -> None:
    assert not parse(mail(f"Subject: {subject}\n", "x")).is_auto_reply


@pytest.mark.parametrize(
    ("header", "auto"),
    [
        ("Auto-Submitted: auto-replied", True),
        ("Auto-Submitted: auto-generated", True),
        ("Auto-Submitted: no", False),
        ("X-Autoreply: yes", True),
        ("X-Autorespond: vacation", True),
        ("Precedence: bulk", True),
        ("Precedence: junk", True),
        ("Precedence: list", True),
        ("Precedence: first-class", False),
    ],
)
def test_auto_reply_headers(header: str, auto: bool) -> None:
    assert parse(mail(f"Subject: s\n{header}\n", "x")).is_auto_reply is auto


def test_x_auto_response_suppress_asks_for_no_answer_without_being_an_auto_reply() -> None:
    parsed = parse(mail("Subject: s\nX-Auto-Response-Suppress: All\n", "x"))
    assert (parsed.is_auto_reply, parsed.suppress_auto_reply) == (False, True)


def test_a_dsn_names_the_bounced_message_and_the_failed_recipient() -> None:
    parsed = parse((HERE / "messages" / "bounce_postfix.eml").read_bytes())
    assert parsed.is_bounce
    assert parsed.bounce_original_message_id == "<asista.1042.0badc0ffee@vendor.example>"
    assert parsed.bounce_recipients == ("ion.pop@firma-inchisa.ro",)


def test_a_delayed_dsn_is_a_bounce_with_no_failed_recipient() -> None:
    parsed = parse((HERE / "messages" / "dsn_delayed.eml").read_bytes())
    assert (parsed.is_bounce, parsed.bounce_recipients) == (True, ())


# ---------------------------------------------------------------- robustness and engines


def test_bytes_that_are_not_mail_come_back_unparsed() -> None:
    parsed = parse(b"\x00\x01\x02 not a message")
    assert parsed.defects == ("unparsed", "nul-in-text")


def test_nul_in_decoded_text_is_shown_as_a_replacement_character() -> None:
    parsed = parse(b"From: a@b.example\r\nSubject: =?utf-8?B?YQBi?=\r\n\r\nhello\x00world")
    assert (parsed.subject, parsed.text.strip()) == ("a\ufffdb", "hello\ufffdworld")
    assert "nul-in-text" in parsed.defects


def test_a_crash_inside_the_parser_still_yields_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(core, "_walk", explode)
    parsed = parse(mail("Subject: Salut\n", "x"))
    assert (parsed.subject, parsed.from_address, parsed.defects) == ("Salut", "ion@firma.ro", ("unparsed",))


def test_a_fast_engine_failure_falls_back_to_the_stdlib(monkeypatch: pytest.MonkeyPatch) -> None:
    def panic(raw: bytes) -> None:
        raise BaseException("a Rust panic arrives as BaseException")

    monkeypatch.setattr(engines, "parse_fast", panic)
    parsed = parse(mail("Subject: s\n", "Text"))
    assert (parsed.engine, parsed.text) == ("stdlib", "Text")


def test_a_date_without_a_zone_is_read_as_utc() -> None:
    parsed = parse(mail("Subject: s\nDate: Mon, 17 Nov 2025 10:00:00 -0000\n", "x"))
    assert parsed.date is not None and parsed.date.tzinfo == UTC


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_both_engines_agree_on_the_corpus(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not engines.fast_engine_available():
        pytest.skip("fast-mail-parser is not installed")
    raw = path.read_bytes()
    fast = parse(raw).as_dict()
    monkeypatch.setattr(engines, "fast_engine_available", lambda: False)
    assert parse(raw).as_dict() == fast
