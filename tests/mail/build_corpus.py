# ruff: noqa: E501, W291  (raw mail: long header lines and the trailing spaces of format=flowed are the point)
"""Writes tests/mail/messages/*.eml: hand-written raw messages as real clients send them.

The messages are written out here as raw text rather than built with `email` (which would
normalise exactly the quirks the corpus is about). This script only encodes what cannot be
typed: 8-bit bodies in legacy charsets, base64/QP bodies, binary attachments, winmail.dat.
Run it again only to add messages; the expected parses (NAME.json) are reviewed by hand.

    .venv/bin/python tests/mail/build_corpus.py
"""

from __future__ import annotations

import base64
import hashlib
import quopri
import sys
import textwrap
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tnef_writer import build_tnef

OUT = Path(__file__).resolve().parent / "messages"
RO = "Bună ziua, nu putem emite facturi: apare „eroare la salvare”. Mulțumim, Ștefan Țăranu"
RO_CEDILLA = "Mulţumim pentru ajutor, o zi bună! Ştefan Ţăranu, contabil-şef"


def b64(data: bytes) -> str:
    return "\n".join(textwrap.wrap(base64.b64encode(data).decode(), 76))


LEGACY = str.maketrans("șțȘȚ", "şţŞŢ")


def legacy(text: str, charset: str) -> str:
    """Windows-1250 and ISO-8859-2 have only the cedilla forms; Windows converts on the way."""
    return text.translate(LEGACY) if charset.replace("-", "").lower() in ("cp1250", "iso88592") else text


def qp(text: str, charset: str = "utf-8") -> str:
    text = legacy(text, charset)
    return quopri.encodestring(text.encode(charset)).decode("ascii").replace("\r\n", "\n")


def pdf(seed: str, size: int = 1800) -> bytes:
    body = hashlib.sha256(seed.encode()).digest() * (size // 32)
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + body + b"\n%%EOF\n"


def png(seed: str) -> bytes:
    """A real 2x2 PNG whose colour depends on the seed."""
    colour = hashlib.sha256(seed.encode()).digest()[:3]
    raw = b"".join(b"\0" + colour * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return len(data).to_bytes(4, "big") + kind + data + crc.to_bytes(4, "big")

    ihdr = (2).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def write(name: str, text: str, *, charset: str = "utf-8", crlf: bool = True) -> None:
    data = legacy(text.lstrip("\n"), charset).encode(charset)
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    (OUT / f"{name}.eml").write_bytes(data)


def write_bytes(name: str, data: bytes) -> None:
    (OUT / f"{name}.eml").write_bytes(data)


JPEG_MAGIC = b"\xff\xd8\xff\xe0"


def clients() -> None:
    html_ro = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body lang="RO"><div class="WordSection1"><p class="MsoNormal">{RO}<o:p></o:p></p><p class="MsoNormal">Cu stimă,<br>Ștefan</p></div></body></html>'
    write(
        "outlook_ro_alternative_qp",
        f"""
Received: from EUR03-AM7-obe.outbound.protection.outlook.com (mail-am7eur03on2101.outbound.protection.outlook.com [40.107.105.101])
\tby mx.vendor.example (Postfix) with ESMTPS id 4Xb2kQ1zZfz9sVq
\tfor <suport@vendor.example>; Mon, 3 Nov 2025 09:14:22 +0200 (EET)
From: =?utf-8?B?yJh0ZWZhbiDImsSDcmFudQ==?= <stefan.taranu@agro-banat.ro>
To: Suport <suport@vendor.example>
Subject: =?utf-8?B?TnUgc2UgcG9hdGUgZW1pdGUgZmFjdHVyYSDDrm4gbGVp?=
Thread-Topic: Nu se poate emite factura in lei
Thread-Index: AdtNd0pJ2WUZ0Q1qSSa9BzF2bLqX4Q==
Date: Mon, 3 Nov 2025 07:14:19 +0000
Message-ID: <AM7PR03MB6543A1B2C3D4E5F6@AM7PR03MB6543.eurprd03.prod.outlook.com>
Accept-Language: ro-RO, en-US
Content-Language: ro-RO
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: multipart/alternative;
\tboundary="_000_AM7PR03MB6543A1B2C3D4E5F6AM7PR03MB6543eurprd03prod_"
MIME-Version: 1.0

--_000_AM7PR03MB6543A1B2C3D4E5F6AM7PR03MB6543eurprd03prod_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(RO + chr(10) + chr(10) + "Cu stimă," + chr(10) + "Ștefan" + chr(10))}
--_000_AM7PR03MB6543A1B2C3D4E5F6AM7PR03MB6543eurprd03prod_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(html_ro)}
--_000_AM7PR03MB6543A1B2C3D4E5F6AM7PR03MB6543eurprd03prod_--
""",
    )

    body1250 = "Bună ziua,\n\nRaportul de stocuri afișează greșit denumirile: „Brânză telemea”.\nVă rog să verificați.\n\nIoana Mureșan\n"
    write(
        "outlook_ro_cp1250_qp",
        f"""
From: "=?windows-1250?Q?Mure=BAan=2C_Ioana?=" <ioana.muresan@farmacia-sanatatea.ro>
To: <suport@vendor.example>
Subject: =?windows-1250?Q?Raportul_de_stocuri_afi=BAeaz=E3_diacritice_gre=BAite?=
Date: Tue, 4 Nov 2025 10:02:11 +0200
Message-ID: <000001dc4d5e$8a9b1c20$9fd15460$@farmacia-sanatatea.ro>
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="----=_NextPart_000_0001_01DC4D6F.4E24EC20"
X-Mailer: Microsoft Outlook 16.0
Content-Language: ro

This is a multipart message in MIME format.

------=_NextPart_000_0001_01DC4D6F.4E24EC20
Content-Type: text/plain;
\tcharset="windows-1250"
Content-Transfer-Encoding: quoted-printable

{qp(body1250.replace("ș", "ş"), "cp1250")}
------=_NextPart_000_0001_01DC4D6F.4E24EC20
Content-Type: text/html;
\tcharset="windows-1250"
Content-Transfer-Encoding: quoted-printable

{qp("<html><body><p>Bună ziua,</p><p>Raportul de stocuri afişează greşit denumirile: „Brânză telemea”.<br>Vă rog să verificaţi.</p><p>Ioana Mureşan</p></body></html>", "cp1250")}
------=_NextPart_000_0001_01DC4D6F.4E24EC20--
""",
    )

    write(
        "outlook_inline_image",
        f"""
From: Andrei Stoica <andrei.stoica@construct-nord.ro>
To: suport@vendor.example
Subject: Eroare la tiparire - vezi captura
Date: Wed, 5 Nov 2025 11:30:00 +0200
Message-ID: <DB9PR01MB7788C0FFEE@DB9PR01MB7788.eurprd01.prod.outlook.com>
MIME-Version: 1.0
Content-Type: multipart/related;
\tboundary="_004_DB9PR01MB7788C0FFEE_";
\ttype="multipart/alternative"

--_004_DB9PR01MB7788C0FFEE_
Content-Type: multipart/alternative;
\tboundary="_000_DB9PR01MB7788C0FFEE_"

--_000_DB9PR01MB7788C0FFEE_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Buna ziua,

La tiparire apare eroarea din imagine:

[cid:image001.png@01DC4E1A.2B3C4D50]

Andrei

--_000_DB9PR01MB7788C0FFEE_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Buna ziua,</p><p>La tiparire apare eroarea din imagine:</p><p><img width=3D"2" height=3D"2" id=3D"Picture_x0020_1" src=3D"cid:image001.png@01DC4E1A.2B3C4D50"></p><p>Andrei</p></body></html>

--_000_DB9PR01MB7788C0FFEE_--

--_004_DB9PR01MB7788C0FFEE_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"; size=75;
\tcreation-date="Wed, 05 Nov 2025 09:29:58 GMT";
\tmodification-date="Wed, 05 Nov 2025 09:29:58 GMT"
Content-ID: <image001.png@01DC4E1A.2B3C4D50>
Content-Transfer-Encoding: base64

{b64(png("outlook_inline"))}

--_004_DB9PR01MB7788C0FFEE_--
""",
    )

    tnef = build_tnef(
        [
            ("FACTUR~1.PDF", "Factură septembrie 2025.pdf", pdf("tnef-factura"), "application/pdf"),
            ("SITUAT~1.XLS", "Situaţie stocuri ianuarie.xlsx", pdf("tnef-stocuri", 900), ""),
        ],
        body="Bună ziua, ataşez factura şi situaţia stocurilor.\r\nŞtefan",
    )
    write(
        "outlook_winmail_dat",
        f"""
From: "Stefan Ionescu" <stefan.ionescu@tipografia-unirea.ro>
To: <suport@vendor.example>
Subject: Factura si situatia stocurilor
Date: Thu, 6 Nov 2025 08:45:10 +0200
Message-ID: <001101dc4ed1$5c4e0a30$14ea1e90$@tipografia-unirea.ro>
MIME-Version: 1.0
X-Mailer: Microsoft Outlook 14.0
Content-Type: multipart/mixed;
\tboundary="----=_NextPart_000_0012_01DC4EE2.1FD6DA30"

This is a multi-part message in MIME format.

------=_NextPart_000_0012_01DC4EE2.1FD6DA30
Content-Type: text/plain;
\tcharset="iso-8859-2"
Content-Transfer-Encoding: quoted-printable

{qp("Bună ziua, atașez factura și situația stocurilor.".replace("ș", "ş") + chr(10) + "Ştefan" + chr(10), "iso-8859-2")}
------=_NextPart_000_0012_01DC4EE2.1FD6DA30
Content-Type: application/ms-tnef;
\tname="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="winmail.dat"

{b64(tnef)}

------=_NextPart_000_0012_01DC4EE2.1FD6DA30--
""",
    )

    write(
        "outlook_tnef_only_body",
        f"""
From: Contabilitate <contabilitate@hotel-carpati.ro>
To: suport@vendor.example
Subject: Situatie
Date: Thu, 6 Nov 2025 09:00:00 +0200
Message-ID: <tnefonly.0001@hotel-carpati.ro>
MIME-Version: 1.0
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="winmail.dat"

{b64(build_tnef([("BALANT~1.PDF", "Balanţă octombrie.pdf", pdf("tnef-balanta", 600), "application/pdf")], body="Vă trimit balanţa pe octombrie."))}
""",
    )

    write(
        "outlook_encoded_filename_param",
        f"""
From: Popescu Maria <maria.popescu@auto-parts-brasov.ro>
To: suport@vendor.example
Subject: Declaratie 394
Date: Fri, 7 Nov 2025 13:20:00 +0200
Message-ID: <VI1PR02MB1111@VI1PR02MB1111.eurprd02.prod.outlook.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="_002_VI1PR02MB1111_"

--_002_VI1PR02MB1111_
Content-Type: text/plain; charset="iso-8859-2"
Content-Transfer-Encoding: quoted-printable

{qp("Atașez declarația, vă rog să verificați.".replace("ș", "ş").replace("ț", "ţ") + chr(10), "iso-8859-2")}
--_002_VI1PR02MB1111_
Content-Type: application/pdf;
\tname="=?iso-8859-2?Q?Declara=FEie_394_=BAi_anex=E3.pdf?="
Content-Description: =?iso-8859-2?Q?Declara=FEie_394_=BAi_anex=E3.pdf?=
Content-Disposition: attachment;
\tfilename="=?iso-8859-2?Q?Declara=FEie_394_=BAi_anex=E3.pdf?="; size=1462
Content-Transfer-Encoding: base64

{b64(pdf("decl394", 1400))}

--_002_VI1PR02MB1111_--
""",
    )

    write(
        "gmail_ro_base64",
        f"""
MIME-Version: 1.0
Date: Mon, 10 Nov 2025 12:01:33 +0200
Message-ID: <CAH3kP9x5rT0vYq+Z2mNq8f7JkQwErTy@mail.gmail.com>
Subject: =?UTF-8?Q?Eroare_la_transmiterea_=C3=AEn_e=2DFactura?=
From: =?UTF-8?Q?Mih=C4=83il=C4=83_R=C4=83zvan?= <razvan.mihaila@gmail.com>
To: suport@vendor.example
Content-Type: multipart/alternative; boundary="000000000000a1b2c3062a0f1e2d"

--000000000000a1b2c3062a0f1e2d
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

{b64(("Încercăm să trimitem facturile către SPV și primim eroarea „semnătură invalidă”." + chr(10) + chr(10) + "Răzvan" + chr(10)).encode())}
--000000000000a1b2c3062a0f1e2d
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: base64

{b64('<div dir="ltr">Încercăm să trimitem facturile către SPV și primim eroarea „semnătură invalidă”.<div><br></div><div>Răzvan</div></div>'.encode())}
--000000000000a1b2c3062a0f1e2d--
""",
    )

    write(
        "gmail_attachment_rfc2231",
        f"""
MIME-Version: 1.0
Date: Mon, 10 Nov 2025 14:11:00 +0200
Message-ID: <CAF+attach2231@mail.gmail.com>
Subject: Situatie stocuri
From: Elena Dumitrescu <elena.dumitrescu@gmail.com>
To: suport@vendor.example
Content-Type: multipart/mixed; boundary="0000000000009c8b7a062a0f9999"

--0000000000009c8b7a062a0f9999
Content-Type: multipart/alternative; boundary="0000000000009c8b78062a0f9997"

--0000000000009c8b78062a0f9997
Content-Type: text/plain; charset="UTF-8"

Va trimit situatia.

--0000000000009c8b78062a0f9997
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">Va trimit situatia.</div>

--0000000000009c8b78062a0f9997--
--0000000000009c8b7a062a0f9999
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;
\tname="=?UTF-8?B?U2l0dWHIm2llIHN0b2N1cmkgxZ9pIMOubmNhc8SDcmkueGxzeA==?="
Content-Disposition: attachment;
\tfilename*=UTF-8''Situa%C8%9Bie%20stocuri%20%C5%9Fi%20%C3%AEncas%C4%83ri.xlsx
Content-Transfer-Encoding: base64
X-Attachment-Id: f_mh2k3l4m0
Content-ID: <f_mh2k3l4m0>

{b64(pdf("stocuri-xlsx", 2200))}
--0000000000009c8b7a062a0f9999--
""",
    )

    write(
        "gmail_reply_thread",
        """
MIME-Version: 1.0
References: <asista.1042.5f0c2b1e9a7d4c3e8b6a1f2d3c4b5a69@vendor.example>
 <CAH3kP9x5rT0vYq+Z2mNq8f7JkQwErTy@mail.gmail.com>
 <asista.1042.77aa88bb99cc00dd11ee22ff33aa44bb@vendor.example>
In-Reply-To: <asista.1042.77aa88bb99cc00dd11ee22ff33aa44bb@vendor.example>
From: =?UTF-8?Q?Mih=C4=83il=C4=83_R=C4=83zvan?= <razvan.mihaila@gmail.com>
Date: Tue, 11 Nov 2025 08:02:10 +0200
Message-ID: <CAH3kP9yReply42@mail.gmail.com>
Subject: Re: [#1042] =?UTF-8?Q?Eroare_la_transmiterea_=C3=AEn_e=2DFactura?=
To: Suport <suport@vendor.example>
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Mul=C8=9Bumesc, acum func=C8=9Bioneaz=C4=83.

On Mon, 10 Nov 2025 at 16:40, Suport <suport@vendor.example> wrote:
> Am actualizat certificatul. V=C4=83 rug=C4=83m s=C4=83 re=C3=AEncerca=C8=
=9Bi.
""",
    )

    write(
        "gmail_inline_image",
        f"""
MIME-Version: 1.0
Date: Tue, 11 Nov 2025 09:15:00 +0200
Message-ID: <CAGinline0001@mail.gmail.com>
Subject: Mesaj de eroare
From: Vlad Rusu <vlad.rusu@gmail.com>
To: suport@vendor.example
Content-Type: multipart/related; boundary="00000000000011aa22062a1b3344"

--00000000000011aa22062a1b3344
Content-Type: multipart/alternative; boundary="00000000000011aa21062a1b3344"

--00000000000011aa21062a1b3344
Content-Type: text/plain; charset="UTF-8"

Uitati ce apare:
[image: image.png]
Multumesc

--00000000000011aa21062a1b3344
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">Uitati ce apare:<div><img src="cid:ii_mh3xyz0" alt="image.png" width="2" height="2"><br></div><div>Multumesc</div></div>

--00000000000011aa21062a1b3344--
--00000000000011aa22062a1b3344
Content-Type: image/png; name="image.png"
Content-Disposition: inline; filename="image.png"
Content-Transfer-Encoding: base64
X-Attachment-Id: ii_mh3xyz0
Content-ID: <ii_mh3xyz0>

{b64(png("gmail_inline"))}
--00000000000011aa22062a1b3344--
""",
    )


def apple_thunderbird_mobile() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Factură proformă.pdf")
    from urllib.parse import quote

    write(
        "apple_mail_nfd_filename",
        f"""
From: =?utf-8?Q?Bianca_T=C4=83nase?= <bianca.tanase@icloud.com>
Content-Type: multipart/mixed;
\tboundary="Apple-Mail=_6E2F1A3B-1C2D-4E5F-8A9B-0C1D2E3F4A5B"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))
Subject: Proforma
Date: Wed, 12 Nov 2025 17:45:03 +0200
Message-Id: <8E1F2A3B-4C5D-6E7F-8091-A2B3C4D5E6F7@icloud.com>
To: suport@vendor.example
X-Mailer: Apple Mail (2.3826.200.121)


--Apple-Mail=_6E2F1A3B-1C2D-4E5F-8A9B-0C1D2E3F4A5B
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

Atasat.


--Apple-Mail=_6E2F1A3B-1C2D-4E5F-8A9B-0C1D2E3F4A5B
Content-Disposition: attachment;
\tfilename*=utf-8''{quote(nfd)}
Content-Type: application/pdf;
\tx-unix-mode=0644;
\tname="=?utf-8?Q?{qp(nfd).replace("=" + chr(10), "").replace(" ", "_").replace("?", "=3F")}?="
Content-Transfer-Encoding: base64

{b64(pdf("proforma"))}
--Apple-Mail=_6E2F1A3B-1C2D-4E5F-8A9B-0C1D2E3F4A5B--
""",
    )

    write(
        "apple_mail_split_body",
        f"""
From: Gabriela Nistor <gabriela.nistor@me.com>
Content-Type: multipart/mixed;
\tboundary="Apple-Mail=_11112222-3333-4444-5555-666677778888"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))
Subject: Doua capturi
Date: Wed, 12 Nov 2025 18:00:00 +0200
Message-Id: <11112222-AAAA@me.com>
To: suport@vendor.example


--Apple-Mail=_11112222-3333-4444-5555-666677778888
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

Prima captur=C4=83:

--Apple-Mail=_11112222-3333-4444-5555-666677778888
Content-Disposition: inline;
\tfilename="Screenshot 2025-11-12 at 17.58.01.png"
Content-Type: image/png;
\tx-unix-mode=0644;
\tname="Screenshot 2025-11-12 at 17.58.01.png"
Content-Transfer-Encoding: base64

{b64(png("apple_split_1"))}
--Apple-Mail=_11112222-3333-4444-5555-666677778888
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8


=C8=98i a doua, dup=C4=83 repornire.
--Apple-Mail=_11112222-3333-4444-5555-666677778888--
""",
    )

    write(
        "apple_mail_flowed",
        """
From: Tudor Lazar <tudor.lazar@mac.com>
Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))
Subject: Intrebare licente
Date: Thu, 13 Nov 2025 10:10:10 +0200
Message-Id: <FLOW-0001@mac.com>
To: suport@vendor.example

Bun=C4=83 ziua, a=C8=99 vrea s=C4=83 =C8=99tiu c=C3=A2t cost=C4=83 o =20
licen=C8=9B=C4=83 suplimentar=C4=83 pentru modulul de salarizare =C8=99i =20
dac=C4=83 se poate activa de luna viitoare.

Mul=C8=9Bumesc,
Tudor
""",
    )

    write(
        "thunderbird_flowed_8bit",
        """
Message-ID: <7c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f@contabil-expert.ro>
Date: Thu, 13 Nov 2025 11:22:33 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: ro
To: suport@vendor.example
From: Cătălin Vasilescu <catalin.vasilescu@contabil-expert.ro>
Subject: Backup-ul de noapte nu a rulat
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bună ziua,

Copia de siguranță automată nu s-a mai făcut de marți. Spațiul pe disc 
este suficient, iar sarcina programată apare ca „pregătită”.

-- 
Cătălin Vasilescu
Contabil Expert SRL
""",
        crlf=False,
    )

    write(
        "thunderbird_forward_inline",
        """
Message-ID: <fwdinline-2a3b@distributie-est.ro>
Date: Fri, 14 Nov 2025 09:00:00 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Fwd: Factura nu ajunge la client
To: suport@vendor.example
From: Sorin Gheorghe <sorin.gheorghe@distributie-est.ro>
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Va rog sa vedeti mesajul de mai jos.

-------- Forwarded Message --------
Subject: 	Factura nu ajunge la client
Date: 	Thu, 13 Nov 2025 16:00:00 +0200
From: 	Client <client@exemplu.ro>
To: 	sorin.gheorghe@distributie-est.ro

Nu am primit factura 1234.
""",
    )

    inner = (
        "From: Client Exemplu <client@exemplu.ro>\n"
        "To: sorin.gheorghe@distributie-est.ro\n"
        "Subject: =?UTF-8?Q?Factur=C4=83_lips=C4=83?=\n"
        "Date: Thu, 13 Nov 2025 16:00:00 +0200\n"
        "Message-ID: <orig-client-1234@exemplu.ro>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Nu am primit factura 1234. Vă rog retrimiteți.\n"
    )
    write(
        "thunderbird_forward_attached",
        f"""
Message-ID: <fwdattach-3c4d@distributie-est.ro>
Date: Fri, 14 Nov 2025 09:05:00 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Fwd: =?UTF-8?Q?Factur=C4=83_lips=C4=83?=
To: suport@vendor.example
From: Sorin Gheorghe <sorin.gheorghe@distributie-est.ro>
Content-Type: multipart/mixed; boundary="------------fwd0123456789abcdef"

This is a multi-part message in MIME format.
--------------fwd0123456789abcdef
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Mesajul clientului, atasat.

--------------fwd0123456789abcdef
Content-Type: message/rfc822; name="=?UTF-8?Q?Factur=C4=83_lips=C4=83=2Eeml?="
Content-Disposition: attachment; filename*=UTF-8''Factur%C4%83%20lips%C4%83.eml

{inner}
--------------fwd0123456789abcdef--
""",
    )

    write(
        "thunderbird_iso8859_2",
        """
Message-ID: <iso2-5e6f@medcenter-iasi.ro>
Date: Fri, 14 Nov 2025 10:00:00 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
To: suport@vendor.example
From: =?ISO-8859-2?Q?Mirela_Ple=BAca?= <mirela.plesca@medcenter-iasi.ro>
Subject: =?ISO-8859-2?Q?Imprimanta_fiscal=E3_nu_mai_este_recunoscut=E3?=
Content-Type: text/plain; charset=ISO-8859-2; format=flowed
Content-Transfer-Encoding: 8bit

După actualizarea de vineri, imprimanta fiscală nu mai este găsită pe 
portul COM3. Casieriţa nu poate închide ziua.
""".replace("ş", "ş"),
        charset="iso-8859-2",
    )

    write(
        "iphone_mail",
        """
Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable
From: Oana Matei <oana.matei@hotel-carpati.ro>
Mime-Version: 1.0 (1.0)
Date: Sat, 15 Nov 2025 08:12:00 +0200
Subject: Urgent - nu merge casa
Message-Id: <3F2E1D0C-B9A8-4765-8432-10FEDCBA9876@hotel-carpati.ro>
To: suport@vendor.example
X-Mailer: iPhone Mail (22B91)

Casa de marcat nu mai emite bonuri. V=C4=83 rog suna=C8=9Bi-m=C4=83 la 0744=
 123 456.

Trimis de pe iPhone-ul meu
""",
    )

    write(
        "android_gmail_alternative",
        """
MIME-Version: 1.0
Date: Sat, 15 Nov 2025 09:30:00 +0200
Message-ID: <CAandroid0001@mail.gmail.com>
Subject: Parola resetata nu merge
From: Irina Stan <irina.stan@gmail.com>
To: suport@vendor.example
Content-Type: multipart/alternative; boundary="000000000000ffeedd062a2c1100"

--000000000000ffeedd062a2c1100
Content-Type: text/plain; charset="UTF-8"

Dupa resetarea parolei pagina de login se reincarca.

--000000000000ffeedd062a2c1100
Content-Type: text/html; charset="UTF-8"

<div dir="auto">Dupa resetarea parolei pagina de login se reincarca.</div>

--000000000000ffeedd062a2c1100--
""",
    )

    write(
        "outlook_mobile_html_only",
        f"""
From: Radu Ciobanu <radu.ciobanu@outlook.com>
To: "suport@vendor.example" <suport@vendor.example>
Subject: Export XML
Date: Sat, 15 Nov 2025 10:00:00 +0000
Message-ID: <PAXP193MB1234mobile@PAXP193MB1234.EURP193.PROD.OUTLOOK.COM>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div dir="auto">Exportul facturilor în XML se oprește la 60%.</div><div dir="auto"><br></div><div id="ms-outlook-mobile-signature"><div dir="auto">Obține <a href="https://aka.ms/o0ukef">Outlook pentru Android</a></div></div></body></html>'.encode())}
""",
    )

    write(
        "yahoo_html_only_paragraphs",
        """
Date: Sun, 16 Nov 2025 12:00:00 +0000 (UTC)
From: Daniela Pirvu <daniela_pirvu@yahoo.com>
Reply-To: Daniela Pirvu <daniela_pirvu@yahoo.com>
To: suport@vendor.example
Message-ID: <123456789.987654.1763294400000@mail.yahoo.com>
Subject: Raport vanzari
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 7bit
X-Mailer: WebService/1.1.24652 YMailNorrin

<html><head></head><body><div class="ydp1" style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:13px;"><div>Buna ziua,</div><div><br></div><div>Raportul lunar arata un total mai mic cu 1.240,50&nbsp;lei.</div><p>Pasi:</p><ol><li>Rapoarte &gt; Vanzari</li><li>Luna octombrie</li></ol><div><br></div><div>Multumesc,<br>Daniela</div></div></body></html>
""",
    )


def head(name: str, subject: str, sender: str = "Ion Pop <ion.pop@firma.ro>", extra: str = "") -> str:
    return (
        f"From: {sender}\nTo: suport@vendor.example\nSubject: {subject}\n"
        f"Date: Mon, 17 Nov 2025 10:00:00 +0200\nMessage-ID: <{name}@firma.ro>\n{extra}"
        "MIME-Version: 1.0\n"
    )


def charsets_and_headers() -> None:
    path_text = "Fișierul este în C:\\Users\\Public\\Documents\\raport_nou\\teste.xlsx\nși log-ul în \\\\server\\share\\erori\\n.log (nu \\n!)\n"
    write(
        "windows_path_qp",
        head("winpath", "Cale fisier")
        + f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n{qp(path_text)}",
    )
    write(
        "windows_path_8bit_html",
        head("winpath-html", "Cale fisier HTML")
        + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + "<p>Fișierul este în C:\\Users\\Public\\Documents\\raport_nou\\teste.xlsx</p><p>Regex: \\d+\\.\\d{2}</p>\n",
    )
    write(
        "windows_path_base64",
        head("winpath-b64", "Cale fisier base64")
        + f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64(path_text.encode())}\n",
    )

    write(
        "cedilla_cp1250_8bit",
        head("cedilla", "=?windows-1250?Q?Mul=FEumim?=")
        + f"Content-Type: text/plain; charset=windows-1250\nContent-Transfer-Encoding: 8bit\n\n{RO_CEDILLA}\nC:\\Users\\Contabil\\Desktop\n",
        charset="cp1250",
    )
    write(
        "iso8859_16_comma_below",
        head("iso16", "=?iso-8859-16?Q?Solicitare_ofert=E3_=BAi_licen=FE=E3?=")
        + f"Content-Type: text/plain; charset=iso-8859-16\nContent-Transfer-Encoding: 8bit\n\n{RO}\n",
        charset="iso8859_16",
    )
    write(
        "mislabelled_latin1_is_utf8",
        head("mislabel1", "Factura")
        + f"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n{RO}\n",
    )
    body = (
        head("mislabel2", "Stocuri")
        + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    ).encode()
    write_bytes(
        "mislabelled_utf8_is_cp1250", (body + (RO_CEDILLA + "\n").encode("cp1250")).replace(b"\n", b"\r\n")
    )
    write(
        "undeclared_8bit_headers_utf8",
        "From: Ștefan Pârvu <stefan.parvu@firma.ro>\nTo: Suport Tehnic <suport@vendor.example>\n"
        "Subject: Eroare la închiderea lunii – urgență\nDate: Mon, 17 Nov 2025 11:00:00 +0200\n"
        "Message-ID: <raw8-utf8@firma.ro>\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
        "Închiderea lunii se blochează la pasul 3.\n",
    )
    write_bytes(
        "undeclared_8bit_headers_cp1250",
        (
            "From: Ţuţuianu Mădălina <madalina@firma.ro>\nTo: suport@vendor.example\n"
            "Subject: Balanţă greşită pe luna octombrie\nDate: Mon, 17 Nov 2025 11:05:00 +0200\n"
            "Message-ID: <raw8-1250@firma.ro>\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
            "Balanţa nu se închide, diferenţă de 12,50 lei.\n"
        )
        .encode("cp1250")
        .replace(b"\n", b"\r\n"),
    )
    write(
        "unknown_charset_label",
        head("unknown-cs", "=?x-unknown?Q?Cerere_ofert=C4=83?=")
        + "Content-Type: text/plain; charset=x-mac-romanian-bogus\nContent-Transfer-Encoding: 8bit\n\n"
        + "Vă rog o ofertă pentru două licențe.\n",
    )
    write(
        "charset_ascii_declared_8bit",
        head("ascii-8bit", "Ascii declarat")
        + "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 8bit\n\n"
        + "Aplicația nu pornește după actualizare.\n",
    )
    write(
        "encoded_words_split_multibyte",
        head(
            "ew-split",
            "=?UTF-8?B?RmFjdHVyxINfbnUgc2Ug?=\n =?UTF-8?B?dHJhbnNtaXRlIMOubiBTUFY=?= =?ISO-8859-2?Q?_=BAi_nici?= la ANAF",
        )
        + "Content-Type: text/plain; charset=utf-8\n\nVezi subiectul.\n",
    )
    write(
        "rfc2231_continuations",
        head("cont2231", "Atasamente")
        + 'Content-Type: multipart/mixed; boundary="b2231"\n\n--b2231\nContent-Type: text/plain\n\nDoua fisiere.\n'
        + "--b2231\nContent-Type: application/pdf\nContent-Disposition: attachment;\n"
        + " filename*0*=utf-8''Contract%20de%20asisten%C8%9B%C4%83%20;\n filename*1*=tehnic%C4%83%20;\n filename*2=\"2025-2026.pdf\"\n"
        + f"Content-Transfer-Encoding: base64\n\n{b64(pdf('contract'))}\n"
        + '--b2231\nContent-Type: text/csv; name="export clienți.csv"\nContent-Disposition: attachment; filename="export clienți.csv"\n\n'
        + "cod;denumire\n1;Brânză SRL\n--b2231--\n",
    )

    write(
        "display_name_spoof",
        'From: "suport@vendor.example" <alerta@phish.example>\nTo: contabilitate@firma.ro\n'
        "Subject: Actualizare cont\nDate: Mon, 17 Nov 2025 12:00:00 +0200\nMessage-ID: <spoof1@phish.example>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nClick aici.\n",
    )
    write(
        "display_name_same_address",
        'From: "ion.pop@firma.ro" <ion.pop@firma.ro>\nTo: "Suport" <suport@vendor.example>\n'
        "Subject: Intrebare\nDate: Mon, 17 Nov 2025 12:05:00 +0200\nMessage-ID: <same1@firma.ro>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nO intrebare.\n",
    )
    write(
        "display_name_mixed_spoof",
        'From: "Banca Transilvania (office@bancatransilvania.ro)" <plata@phish.example>\nTo: contabilitate@firma.ro\n'
        "Subject: Plata restanta\nDate: Mon, 17 Nov 2025 12:06:00 +0200\nMessage-ID: <spoof2@phish.example>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nPlatiti.\n",
    )
    write(
        "recipients_cc_reply_to",
        "From: =?utf-8?q?Popescu=2C_Ion?= <ion.popescu@firma.ro>\n"
        'To: "Suport, Tehnic" <suport@vendor.example>, Vanzari <vanzari@vendor.example>\n'
        "Cc: contabilitate@firma.ro, =?utf-8?q?Mure=C8=99an_Ana?= <ana.muresan@firma.ro>,\n\tIon Popescu <ION.POPESCU@firma.ro>\n"
        "Reply-To: Birou <birou@firma.ro>\nSubject: Mai multi destinatari\nDate: Mon, 17 Nov 2025 13:00:00 +0200\n"
        "Message-ID: <rcpt1@firma.ro>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nText.\n",
    )
    write(
        "group_undisclosed_recipients",
        "From: Ion Pop <ion.pop@firma.ro>\nTo: undisclosed-recipients:;\nBcc: suport@vendor.example\n"
        "Subject: Catre toti\nDate: Mon, 17 Nov 2025 13:10:00 +0200\nMessage-ID: <group1@firma.ro>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nText.\n",
    )
    write(
        "no_message_id_no_date",
        "From: ion.pop@firma.ro\nTo: suport@vendor.example\nSubject: Fara Message-ID\n\nSimplu, fara MIME.\n",
    )
    write(
        "bad_date_and_bare_message_id",
        "From: Ion Pop <ion.pop@firma.ro>\nTo: suport@vendor.example\nSubject: Data gresita\n"
        "Date: 32 Foo 2025 99:99:99 +9999\nMessage-ID: bare-id-123@firma.ro\n"
        "In-Reply-To: <asista.77.abc@vendor.example> (mesajul din 3 nov)\n\nText.\n",
    )
    refs = " ".join(f"<ref{i}.asista@vendor.example>" for i in range(1, 13))
    write(
        "long_references_chain",
        head(
            "refs",
            "Re: RE: AW: Răspuns: [#77] Stoc",
            extra=f"In-Reply-To: <ref12.asista@vendor.example>\nReferences: {refs} <ref3.asista@vendor.example>\n",
        )
        + "Content-Type: text/plain; charset=utf-8\n\nMultumesc.\n",
    )


def attachments_misc() -> None:
    uu_data = b"cod,denumire,pret\n1,Branza telemea,23.50\n2,Cascaval,41.00\n"
    uu_lines = "\n".join(
        __import__("binascii").b2a_uu(uu_data[i : i + 45]).decode().rstrip("\n")
        for i in range(0, len(uu_data), 45)
    )
    write(
        "uuencode_in_body",
        head("uu1", "Export preturi")
        + f"Content-Type: text/plain; charset=us-ascii\n\nAtasez exportul.\n\nbegin 644 preturi.csv\n{uu_lines}\n`\nend\n\nIon\n",
    )
    write(
        "uuencode_part",
        head("uu2", "Export ca parte x-uuencode")
        + 'Content-Type: multipart/mixed; boundary="uu"\n\n--uu\nContent-Type: text/plain\n\nVezi atasamentul.\n'
        + '--uu\nContent-Type: application/octet-stream; name="preturi.csv"\nContent-Disposition: attachment; filename="preturi.csv"\n'
        + f"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 preturi.csv\n{uu_lines}\n`\nend\n--uu--\n",
    )

    inner2 = "From: Client <client@exemplu.ro>\nTo: agent@firma.ro\nSubject: Original\nMessage-ID: <deep-2@exemplu.ro>\n\nPrimul mesaj.\n"
    inner1 = (
        "From: Agent <agent@firma.ro>\nTo: sef@firma.ro\nSubject: Fw: Original\nMessage-ID: <deep-1@firma.ro>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="in1"\n\n--in1\nContent-Type: text/plain\n\nVezi dedesubt.\n'
        f"--in1\nContent-Type: message/rfc822\n\n{inner2}--in1--\n"
    )
    write(
        "forwarded_nested_twice",
        head("deep0", "Fw: Fw: Original")
        + 'Content-Type: multipart/mixed; boundary="out"\n\n--out\nContent-Type: text/plain\n\nDe doua ori redirectionat.\n'
        + f"--out\nContent-Type: message/rfc822\n\n{inner1}\n--out--\n",
    )

    ics = "BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nSUMMARY:Instruire modul salarii\nDTSTART:20251120T090000Z\nEND:VEVENT\nEND:VCALENDAR\n"
    write(
        "calendar_invite",
        head("ics", "Invitatie: Instruire modul salarii")
        + 'Content-Type: multipart/alternative; boundary="cal"\n\n--cal\nContent-Type: text/plain; charset=utf-8\n\nInstruire joi la 11.\n'
        + "--cal\nContent-Type: text/html; charset=utf-8\n\n<p>Instruire joi la 11.</p>\n"
        + f"--cal\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\nContent-Transfer-Encoding: base64\n\n{b64(ics.encode())}\n--cal--\n",
    )

    write(
        "pdf_xlsx_zip_attachments",
        head("many", "Documente")
        + 'Content-Type: multipart/mixed; boundary="many"\n\n--many\nContent-Type: text/plain; charset=utf-8\n\nTrei documente.\n'
        + f'--many\nContent-Type: application/pdf; name="Factura FV-2025-0012.pdf"\nContent-Disposition: attachment; filename="Factura FV-2025-0012.pdf"\nContent-Transfer-Encoding: base64\n\n{b64(pdf("fv12", 5000))}\n'
        + f'--many\nContent-Type: application/octet-stream; name="arhiva loguri.zip"\nContent-Disposition: attachment; filename="arhiva loguri.zip"\nContent-Transfer-Encoding: base64\n\n{b64(b"PK" + pdf("zip", 700))}\n'
        + f'--many\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="C:\\\\Users\\\\Ion\\\\Desktop\\\\balanta.xlsx"\nContent-Transfer-Encoding: base64\n\n{b64(pdf("xlsx", 300))}\n'
        + f"--many\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n{b64(JPEG_MAGIC + pdf('jpg', 200))}\n--many--\n",
    )

    write(
        "html_with_script_and_tracking",
        head("xss", "Oferta")
        + "Content-Type: text/html; charset=utf-8\n\n"
        + '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body onload="steal()">'
        + '<p style="color:#333;position:fixed" onclick="x()">Oferta <b>speciala</b> &amp; reducere</p>'
        + '<a href="javascript:alert(2)">link</a> <a href="https://vendor.example/oferta">oferta</a>'
        + '<img src="https://tracker.example/p.gif" width="1" height="1"><iframe src="https://evil.example"></iframe>'
        + '<form action="https://evil.example"><input name=p></form></body></html>\n',
    )

    write(
        "html_only_lists_tables",
        head("tables", "Situatie facturi")
        + "Content-Type: text/html; charset=utf-8\n\n"
        + "<html><body><h2>Situație</h2><p>Facturile  cu\n probleme:</p><ul><li>FV-10 – respinsă</li><li>FV-11 – în așteptare</li></ul>"
        + "<table><tr><th>Nr</th><th>Suma</th></tr><tr><td>FV-10</td><td>1.200,00</td></tr></table>"
        + "<pre>C:\\ERP\\log.txt\n  linia 2</pre><blockquote>Citat vechi</blockquote><div>Ion</div></body></html>\n",
    )

    write(
        "html_windows1250_meta_charset",
        head("meta1250", "Meta charset")
        + "Content-Type: text/html\nContent-Transfer-Encoding: 8bit\n\n"
        + '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1250"></head><body><p>Factură şi chitanţă</p></body></html>\n',
        charset="cp1250",
    )


ORIGINAL = (
    "From: Suport Asista <suport@vendor.example>\nTo: ion.pop@firma-inchisa.ro\n"
    "Subject: [#1042] Am primit solicitarea\nDate: Mon, 17 Nov 2025 09:00:00 +0200\n"
    "Message-ID: <asista.1042.0badc0ffee@vendor.example>\nAuto-Submitted: auto-replied\n"
    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nAm primit solicitarea dvs.\n"
)


def bounces() -> None:
    write(
        "bounce_postfix",
        f"""
Return-Path: <>
Received: by mx.vendor.example (Postfix) id 4Xc9; Mon, 17 Nov 2025 09:00:05 +0200 (EET)
Date: Mon, 17 Nov 2025 09:00:05 +0200 (EET)
From: MAILER-DAEMON@mx.vendor.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: suport@vendor.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Xc9.1763362805/mx.vendor.example"
Message-Id: <20251117070005.4Xc9@mx.vendor.example>

This is a MIME-encapsulated message.

--4Xc9.1763362805/mx.vendor.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.vendor.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<ion.pop@firma-inchisa.ro>: host mx.firma-inchisa.ro[192.0.2.10] said: 550 5.1.1
    <ion.pop@firma-inchisa.ro>: Recipient address rejected: User unknown

--4Xc9.1763362805/mx.vendor.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.vendor.example
X-Postfix-Queue-ID: 4Xc9
Arrival-Date: Mon, 17 Nov 2025 09:00:01 +0200 (EET)

Final-Recipient: rfc822; ion.pop@firma-inchisa.ro
Original-Recipient: rfc822;ion.pop@firma-inchisa.ro
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.firma-inchisa.ro
Diagnostic-Code: smtp; 550 5.1.1 <ion.pop@firma-inchisa.ro>: Recipient address
    rejected: User unknown

--4Xc9.1763362805/mx.vendor.example
Content-Description: Undelivered Message
Content-Type: message/rfc822

{ORIGINAL}
--4Xc9.1763362805/mx.vendor.example--
""",
    )

    write(
        "bounce_exchange_ndr",
        f"""
From: Microsoft Outlook <postmaster@firma.onmicrosoft.com>
To: <suport@vendor.example>
Date: Mon, 17 Nov 2025 07:01:00 +0000
Subject: Undeliverable: [#1042] Am primit solicitarea
Content-Language: en-US
Message-ID: <b7a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d@firma.onmicrosoft.com>
In-Reply-To: <asista.1042.0badc0ffee@vendor.example>
References: <asista.1042.0badc0ffee@vendor.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="d9f8e7c6-b5a4-4321-9876-fedcba987654"
X-MS-Exchange-Message-Is-Ndr:
Auto-Submitted: auto-replied

--d9f8e7c6-b5a4-4321-9876-fedcba987654
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="0a1b2c3d-4e5f-6789-abcd-ef0123456789"

--0a1b2c3d-4e5f-6789-abcd-ef0123456789
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Your message to contabil@firma.onmicrosoft.com couldn't be delivered.
contabil wasn't found at firma.onmicrosoft.com.

--0a1b2c3d-4e5f-6789-abcd-ef0123456789
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Your message to <a href=3D"mailto:contabil@firma.onmicros=
oft.com">contabil@firma.onmicrosoft.com</a> couldn't be delivered.</p></bod=
y></html>

--0a1b2c3d-4e5f-6789-abcd-ef0123456789--

--d9f8e7c6-b5a4-4321-9876-fedcba987654
Content-Type: message/delivery-status

Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com
Received-From-MTA: dns;mx.vendor.example
Arrival-Date: Mon, 17 Nov 2025 07:00:58 +0000

Final-Recipient: rfc822;contabil@firma.onmicrosoft.com
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--d9f8e7c6-b5a4-4321-9876-fedcba987654
Content-Type: message/rfc822

{ORIGINAL.replace("ion.pop@firma-inchisa.ro", "contabil@firma.onmicrosoft.com")}
--d9f8e7c6-b5a4-4321-9876-fedcba987654--
""",
    )

    write(
        "bounce_gmail_rfc822_headers",
        """
Delivered-To: suport@vendor.example
Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: suport@vendor.example
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
Message-ID: <6754f1a2.050a0220.1b2c3d.0001.GMR@mx.google.com>
Date: Mon, 17 Nov 2025 00:02:00 -0800 (PST)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="00000000000055aa66062a3d2211"; report-type=delivery-status

--00000000000055aa66062a3d2211
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to nu.exista.12345@gmail.com because the address couldn't be found, or is unable to receive mail.

--00000000000055aa66062a3d2211
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; mx.vendor.example
Arrival-Date: Mon, 17 Nov 2025 00:01:59 -0800 (PST)

Final-Recipient: rfc822; nu.exista.12345@gmail.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.

--00000000000055aa66062a3d2211
Content-Type: text/rfc822-headers

From: Suport Asista <suport@vendor.example>
To: nu.exista.12345@gmail.com
Subject: [#2001] Solicitare inregistrata
Message-ID: <asista.2001.feedface@vendor.example>
Date: Mon, 17 Nov 2025 10:01:55 +0200

--00000000000055aa66062a3d2211--
""",
    )

    write(
        "bounce_qmail_plain",
        """
Return-Path: <>
Date: 17 Nov 2025 08:10:00 -0000
From: MAILER-DAEMON@mail.firma-veche.ro
To: suport@vendor.example
Subject: failure notice

Hi. This is the qmail-send program at mail.firma-veche.ro.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<contabil@firma-veche.ro>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <suport@vendor.example>
From: Suport Asista <suport@vendor.example>
To: contabil@firma-veche.ro
Subject: [#3003] Solicitare inregistrata
Message-ID: <asista.3003.c0c0a@vendor.example>

Am primit solicitarea dvs.
""",
    )

    write(
        "bounce_exim_x_failed",
        """
Return-path: <>
From: Mail Delivery System <Mailer-Daemon@server.gazduire.ro>
To: suport@vendor.example
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1vAbCd-0001xY-Zz@server.gazduire.ro>
Date: Mon, 17 Nov 2025 10:20:00 +0200
X-Failed-Recipients: office@firma-plina.ro
Auto-Submitted: auto-replied

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  office@firma-plina.ro
    mailbox is full: retry timeout exceeded

------ This is a copy of the message, including all the headers. ------

Message-ID: <asista.4004.beef@vendor.example>
From: Suport Asista <suport@vendor.example>
Subject: [#4004] Rezolvat

Solicitarea a fost rezolvata.
""",
    )

    write(
        "dsn_delayed",
        """
From: MAILER-DAEMON@mx.vendor.example (Mail Delivery System)
To: suport@vendor.example
Subject: Delayed Mail (still being retried)
Date: Mon, 17 Nov 2025 13:00:00 +0200
Message-Id: <delay1@mx.vendor.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dly"

--dly
Content-Type: text/plain

Your message has been delayed; the system will keep trying.
--dly
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.vendor.example

Final-Recipient: rfc822; lent@firma-lenta.ro
Action: delayed
Status: 4.4.1

--dly
Content-Type: text/rfc822-headers

Message-ID: <asista.5005.dead@vendor.example>
Subject: [#5005] Lucram la solicitare

--dly--
""",
    )


def auto_replies() -> None:
    write(
        "autoreply_ro_outlook",
        head(
            "oof-ro",
            "=?utf-8?Q?R=C4=83spuns_automat:_[#1042]_Am_primit_solicitarea?=",
            extra="X-Auto-Response-Suppress: All\nX-MS-Exchange-Inbox-Rules-Loop: ion.pop@firma.ro\n",
        )
        + "Content-Type: text/plain; charset=utf-8\n\nSunt în concediu până pe 24 noiembrie.\n",
    )
    write(
        "autoreply_en_rfc3834",
        head(
            "oof-en",
            "Out of Office: [#1042] We received your request",
            extra="Auto-Submitted: auto-replied\nPrecedence: bulk\n",
        )
        + "Content-Type: text/plain; charset=utf-8\n\nI am out of the office until Monday.\n",
    )
    write(
        "autoreply_de_abwesenheit",
        head(
            "oof-de",
            "Abwesenheitsnotiz: Ihre Anfrage",
            sender="Jan Becker <j.becker@example-gmbh.de>",
            extra="X-Autoreply: yes\n",
        )
        + "Content-Type: text/plain; charset=utf-8\n\nIch bin bis 24.11. nicht im Büro.\n",
    )
    write(
        "autoreply_fr_reponse",
        head(
            "oof-fr",
            "=?iso-8859-1?Q?R=E9ponse_automatique_:_Demande?=",
            sender="Luc Martin <luc@acme-services.com>",
            extra="X-Autorespond: Réponse automatique\n",
        )
        + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nJe suis absent jusqu'au lundi.\n",
        charset="latin-1",
    )
    write(
        "autoreply_subject_only_en",
        head("oof-subj", "Automatic reply: Invoice export")
        + "Content-Type: text/plain\n\nThank you for your message. I am away.\n",
    )
    write(
        "autoreply_gmail_vacation",
        head("vac", "Concediu", extra="Auto-Submitted: auto-replied (vacation)\n")
        + "Content-Type: text/plain; charset=utf-8\n\nRevin pe 1 decembrie.\n",
    )
    write(
        "precedence_bulk_newsletter",
        head(
            "news",
            "Noutati luna noiembrie",
            sender="Newsletter <news@furnizor.example>",
            extra="Precedence: bulk\nList-Unsubscribe: <mailto:unsub@furnizor.example>\n",
        )
        + "Content-Type: text/html; charset=utf-8\n\n<p>Noutati.</p>\n",
    )
    write(
        "auto_submitted_no",
        head("asno", "Solicitare noua", extra="Auto-Submitted: no\n")
        + "Content-Type: text/plain; charset=utf-8\n\nO solicitare scrisa de un om.\n",
    )
    write(
        "x_auto_response_suppress_only",
        head("suppress", "Raport trimis din ERP", extra="X-Auto-Response-Suppress: DR, OOF, AutoReply\n")
        + "Content-Type: text/plain; charset=utf-8\n\nRaport generat, trimis de utilizator.\n",
    )
    write(
        "absent_word_in_normal_subject",
        head("absentword", "Contabilul este absent, cine poate emite facturi?")
        + "Content-Type: text/plain; charset=utf-8\n\nNu e un raspuns automat.\n",
    )


def broken() -> None:
    write(
        "broken_missing_boundary_param",
        head("nob", "Fara boundary")
        + "Content-Type: multipart/mixed\n\n--xyz\nContent-Type: text/plain\n\nText pierdut?\n--xyz--\n",
    )
    write(
        "broken_unclosed_multipart",
        head("unclosed", "Fara inchidere")
        + 'Content-Type: multipart/mixed; boundary="open"\n\n--open\nContent-Type: text/plain; charset=utf-8\n\nMesaj trunchiat.\n'
        + f'--open\nContent-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\n\n{b64(pdf("unclosed", 300))}\n',
    )
    write(
        "broken_bad_base64",
        head("badb64", "Base64 stricat")
        + 'Content-Type: multipart/mixed; boundary="bb"\n\n--bb\nContent-Type: text/plain\n\nAtasament stricat.\n'
        + '--bb\nContent-Type: application/pdf; name="stricat.pdf"\nContent-Transfer-Encoding: base64\n\n'
        + "JVBERi0xLjQK!!!%%%JVBERi0x\nLjQKJeLjz9MK***\nAAAA=A\n--bb--\n",
    )
    full = b64(pdf("truncated", 3000))
    write(
        "broken_truncated_mid_base64",
        head("trunc", "Trunchiat")
        + 'Content-Type: multipart/mixed; boundary="tt"\n\n--tt\nContent-Type: text/plain\n\nInceput.\n'
        + f'--tt\nContent-Type: application/pdf; name="trunchiat.pdf"\nContent-Transfer-Encoding: base64\n\n{full[:1001]}',
    )
    write(
        "broken_wrong_boundary",
        head("wrongb", "Boundary gresit")
        + 'Content-Type: multipart/alternative; boundary="declared"\n\n--actual\nContent-Type: text/plain\n\nTextul real.\n--actual--\n',
    )
    write(
        "broken_headers_only",
        "From: Ion Pop <ion.pop@firma.ro>\nTo: suport@vendor.example\nSubject: Doar antet\nMessage-ID: <headonly@firma.ro>\n",
    )
    write_bytes("broken_binary_garbage", bytes(range(256)) * 4)
    write_bytes("broken_empty", b"")
    write(
        "broken_bad_qp_and_unknown_cte",
        head("badqp", "QP stricat")
        + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: x-gzip64\n\nText=ZZ cu =C8=9B si =\n",
    )
    write(
        "broken_nested_depth",
        head("deep", "Adancime")
        + "".join(f'Content-Type: multipart/mixed; boundary="d{i}"\n\n--d{i}\n' for i in range(60))
        + "Content-Type: text/plain\n\nFoarte adanc.\n"
        + "".join(f"--d{i}--\n" for i in reversed(range(60))),
    )


def main() -> None:
    OUT.mkdir(exist_ok=True)
    clients()
    apple_thunderbird_mobile()
    charsets_and_headers()
    attachments_misc()
    bounces()
    auto_replies()
    broken()
    print(len(list(OUT.glob("*.eml"))), "messages in", OUT)


if __name__ == "__main__":
    main()
