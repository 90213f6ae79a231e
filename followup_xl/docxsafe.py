"""Strip what a letter template fetches from elsewhere: external parts, remote fields, file:.

A .docx from someone else's computer can carry a remote `attachedTemplate`, a picture linked
from a web server, an `INCLUDEPICTURE "http://…"` or `INCLUDETEXT` field, or a hyperlink to
`file:///etc/passwd`. Word follows them when the letter is opened (and tells the server who
opened it). None of them belongs in a letter: they are removed from the template before it
is rendered, each named in a warning. Ordinary web and mailto hyperlinks stay.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

NS_R_PARTS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_KEPT_SCHEMES = ("http://", "https://", "mailto:")
#: Field codes that fetch or embed content from elsewhere when Word updates them.
_REMOTE_FIELD = re.compile(
    r"^\s*(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|IMPORT|LINK|DDE|DDEAUTO|RD)\b"
    r'|^\s*HYPERLINK\s+(?!"?\s*(?:https?:|mailto:)|\\l)',
    re.IGNORECASE,
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
#: Parts under this size that hold a field are parsed for remote ones; a larger part (the
#: print file's body) is parsed only when a field instruction names a remote kind.
_LOOK_CLOSER = 1 << 20
#: What a part holding a remote field has in its bytes (a cheap look before parsing it).
_MAY_FETCH = re.compile(rb"(?i)instr[^>]*>[^<]*(?:INCLUDE|IMPORT|LINK|DDE|\bRD\b)|instr=\"[^\"]*"
                        rb"(?:INCLUDE|IMPORT|LINK|DDE|\bRD\b)")  # fmt: skip


@dataclass
class Cleaned:
    """A template's bytes with everything external removed, and what was removed."""

    data: bytes
    removed: list[str] = field(default_factory=list)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _rel_label(rel_type: str, target: str) -> str:
    kind = rel_type.rsplit("/", 1)[-1]
    labels = {
        "attachedTemplate": "a template attached from elsewhere",
        "hyperlink": "a hyperlink to a file or another computer",
        "image": "a picture linked from elsewhere",
        "oleObject": "an object linked from elsewhere",
        "subDocument": "a subdocument linked from elsewhere",
        "frame": "a frame linked from elsewhere",
    }
    return f"{labels.get(kind, f'an external {kind} link')} ({_short(target)})"


def not_docx(data: bytes) -> str | None:
    """Return why data is not a Word .docx package (an .odt, .doc or other file renamed),
    or None when it has the parts one needs."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "it is an old Word 97-2003 (.doc) file renamed .docx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "it is not a Word document"
    if b"opendocument" in mimetype:
        return "it is an OpenDocument (.odt) file renamed .docx"
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        return "it is not a Word document (a zip without Word's parts)"
    return None


def strip_external(data: bytes) -> Cleaned:
    """Return the .docx without external relationships, remote fields, file: links and
    macros (a letter saved from Word as .docm and renamed keeps its VBA project, and the
    content type that makes Word refuse a .docx that holds one)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        members = {i.filename: zf.read(i) for i in infos}
    removed: list[str] = []
    changed: dict[str, bytes] = {}
    gone = _drop_macros(members, changed)
    if gone:
        removed.append("macros (" + ", ".join(sorted(gone)) + ")")
        infos = [i for i in infos if i.filename not in gone]
    for name, blob in members.items():
        blob = changed.get(name, blob)
        if name in gone or not name.endswith(".rels") or b"External" not in blob:
            continue
        root = etree.fromstring(blob, _PARSER)
        dropped: set[str] = set()
        for rel in list(root):
            if rel.get("TargetMode") != "External":
                continue
            target, rel_type = rel.get("Target", ""), rel.get("Type", "")
            if rel_type.endswith("/hyperlink") and target.lower().startswith(_KEPT_SCHEMES):
                continue
            dropped.add(rel.get("Id", ""))
            removed.append(_rel_label(rel_type, target))
            root.remove(rel)
        if not dropped:
            continue
        changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                       standalone=True)  # fmt: skip
        folder = posixpath.dirname(posixpath.dirname(name))
        source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
        if source in members:
            changed[source] = _drop_references(changed.get(source, members[source]), dropped)
    for name, blob in members.items():
        may_fetch = len(blob) < _LOOK_CLOSER or _MAY_FETCH.search(blob)  # a big joined file
        if name.startswith("word/") and name.endswith(".xml") and b"instr" in blob and may_fetch:
            cleaned, fields = _drop_remote_fields(changed.get(name, blob))
            if fields:
                changed[name] = cleaned
                removed += [f"a field that fetches content ({_short(f)})" for f in fields]
    if not changed:
        return Cleaned(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            dst.writestr(info, changed.get(info.filename, members[info.filename]))
    return Cleaned(out.getvalue(), removed)


#: Relationship types of the parts that carry macros and Word's macro key bindings.
_MACRO_RELS = ("/vbaProject", "/keyMapCustomizations", "/wordVbaData", "/vbaProjectSignature")
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _drop_macros(members: dict[str, bytes], changed: dict[str, bytes]) -> set[str]:
    """Remove the macro parts, their relationships and content types (into `changed`) and
    give the main document its plain .docx type; return the members that go."""
    gone: set[str] = set()
    for name, blob in members.items():
        if not name.endswith(".rels") or b"vbaProject" not in blob and b"keyMap" not in blob:
            continue
        root = etree.fromstring(blob, _PARSER)
        folder = posixpath.dirname(posixpath.dirname(name))
        for rel in list(root):
            if rel.get("Type", "").endswith(_MACRO_RELS):
                target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
                gone.add(target.lstrip("/"))
                root.remove(rel)
        changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                       standalone=True)  # fmt: skip
    gone |= {f"{posixpath.dirname(g)}/_rels/{posixpath.basename(g)}.rels" for g in set(gone)}
    gone &= set(members)
    types = members.get("[Content_Types].xml")
    if types is None or (not gone and b"macroEnabled" not in types):
        return gone
    root = etree.fromstring(types, _PARSER)
    for el in list(root):
        part = el.get("PartName", "").lstrip("/")
        kind = el.get("ContentType", "")
        if part in gone or "vbaProject" in kind:
            root.remove(el)
        elif "macroEnabled.main+xml" in kind:
            el.set("ContentType", _PLAIN_MAIN)
    changed["[Content_Types].xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    return gone


def _drop_references(blob: bytes, ids: set[str]) -> bytes:
    """Remove the elements and attributes of a part that point at dropped relationships."""
    root = etree.fromstring(blob, _PARSER)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        for attr in [a for a in el.attrib if a.split("}")[0].lstrip("{") in NS_R_PARTS]:
            if el.get(attr) not in ids:
                continue
            if el.tag == f"{_W}attachedTemplate":
                el.getparent().remove(el)
                break
            del el.attrib[attr]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_remote_fields(blob: bytes) -> tuple[bytes, list[str]]:
    """Blank the instructions of remote fields (simple and complex); return what they were."""
    root = etree.fromstring(blob, _PARSER)
    found: list[str] = []
    for simple in list(root.iter(f"{_W}fldSimple")):
        instr = simple.get(f"{_W}instr", "")
        if _REMOTE_FIELD.search(instr):
            found.append(instr)
            parent = simple.getparent()
            at = parent.index(simple)
            for child in list(simple):  # keep the field's last shown result as plain runs
                parent.insert(at, child)
                at += 1
            parent.remove(simple)
    stack: list[list[etree._Element]] = []
    for el in root.iter(f"{_W}fldChar", f"{_W}instrText"):
        if el.tag == f"{_W}instrText":
            if stack:
                stack[-1].append(el)
            continue
        kind = el.get(f"{_W}fldCharType")
        if kind == "begin":
            stack.append([])
        elif kind in ("separate", "end") and stack:
            parts = stack[-1]
            instr = "".join(p.text or "" for p in parts)
            if parts and _REMOTE_FIELD.search(instr):
                found.append(instr)
                for p in parts:
                    p.text = ""
            stack[-1] = []
            if kind == "end":
                stack.pop()
    if not found:
        return blob, []
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), found


#: Elements WordprocessingML never nests in themselves except through a text box (or a
#: comment or footnote reference's own part): a `{{ '<w:p>'|safe }}` makes such a nesting,
#: and Word or LibreOffice then shows an empty or damaged letter.
_NESTED = etree.XPath(
    "//w:p[ancestor::w:p][not(ancestor::w:txbxContent)]"
    " | //w:r[ancestor::w:r][not(ancestor::w:txbxContent)]"
    " | //w:t[*] | //w:body//w:body",
    namespaces={"w": _W[1:-1]},
)


def misplaced_markup(element: etree._Element) -> str | None:
    """Return what is wrong with a rendered part's structure (a paragraph inside a paragraph,
    a run inside a run, markup inside text), or None when it is sound."""
    found = _NESTED(element)
    for node in found if isinstance(found, list) else []:
        if not isinstance(node, etree._Element):
            continue
        name = etree.QName(node).localname
        what = {"p": "a paragraph inside a paragraph", "r": "a run inside a run",
                "t": "markup inside a text run", "body": "a body inside the body"}  # fmt: skip
        return (
            f"the rendered letter has {what.get(name, name)}: a {{{{ … |safe }}}} or "
            "{% … %} tag writes raw Word markup; remove it"
        )
    return None
