"""HTML from mail: sanitized for display (nh3), and turned into text when there is no text part."""

from __future__ import annotations

import re

import nh3
from lxml import etree
from lxml import html as lxml_html

_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "text-decoration",
    "text-align",
    "border",
    "padding",
    "margin",
    "width",
    "height",
}
_EXTRA_ATTRIBUTES = {
    "*": {"style", "align", "valign", "bgcolor", "dir"},
    "font": {"color", "face", "size"},
}
_EXTRA_TAGS = {"font", "center"}
_TAGS = set(nh3.ALLOWED_TAGS) | _EXTRA_TAGS
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag, _extra in _EXTRA_ATTRIBUTES.items():
    _ATTRIBUTES[_tag] = _ATTRIBUTES.get(_tag, set()) | _extra


def sanitize(html: str) -> str:
    """HTML safe to show inside the desk: no scripts, style sheets, forms or event handlers.

    `cid:` URLs are kept so the desk can point inline images at their attachments.
    """
    if not html.strip():
        return ""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        filter_style_properties=_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_SKIP = {"script", "style", "head", "title", "noscript", "template", "xml"}
_PARAGRAPH = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "table",
    "ul",
    "ol",
    "pre",
    "hr",
    "dl",
}
_LINE = {
    "div",
    "tr",
    "li",
    "dt",
    "dd",
    "address",
    "section",
    "article",
    "header",
    "footer",
    "center",
}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\u200b]+")


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraph breaks kept, lists dashed, whitespace collapsed."""
    if not html.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(_XML_DECL.sub("", html))
    except (etree.ParserError, ValueError):
        return _SPACES.sub(" ", re.sub(r"<[^>]*>", " ", html)).strip()
    out: list[str] = []
    _walk(root, out, pre=False)
    text = "".join(out)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n" if text.strip() else ""


def _walk(element: etree._Element, out: list[str], pre: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    tag = tag.lower()
    if tag in _SKIP:
        _emit(out, element.tail, pre)
        return
    pre = pre or tag == "pre"
    if tag in _PARAGRAPH:
        _break(out, "\n\n")
    elif tag in _LINE or tag == "li":
        _break(out, "\n")
    if tag == "li":
        out.append("- ")
    if tag == "br":
        out.append("\n")
    elif tag == "img" and element.get("alt"):
        out.append(f"[{element.get('alt')}]")
    if tag and element.text:
        _emit(out, element.text, pre)
    for child in element:
        _walk(child, out, pre)
    if tag in ("td", "th"):
        out.append("\t")
    if tag in _PARAGRAPH:
        _break(out, "\n\n")
    elif tag in _LINE:
        _break(out, "\n")
    _emit(out, element.tail, pre and tag != "pre")


def _emit(out: list[str], text: str | None, pre: bool) -> None:
    if not text:
        return
    if pre:
        out.append(text)
        return
    collapsed = _SPACES.sub(" ", text)
    if out and out[-1].endswith(("\n", " ", "- ")) and collapsed.startswith(" "):
        collapsed = collapsed[1:]
    if collapsed:
        out.append(collapsed)


def _break(out: list[str], wanted: str) -> None:
    if not out:
        return
    tail = "".join(out[-3:])
    have = len(tail) - len(tail.rstrip("\n"))
    if have < len(wanted):
        out.append("\n" * (len(wanted) - have))
