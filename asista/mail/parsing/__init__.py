"""The inbound mail parser: raw bytes in, a frozen `ParsedMail` out. No database, no settings.

    from asista.mail.parsing import parse
    mail = parse(raw_bytes)
    mail.from_address, mail.subject, mail.text, mail.attachments, mail.is_bounce, mail.defects

See docs/mail-parsing.md for the rules and for the measurements behind the engine choice.
"""

from asista.mail.parsing.core import parse
from asista.mail.parsing.model import Address, Attachment, ParsedMail

__all__ = ["Address", "Attachment", "ParsedMail", "parse"]
