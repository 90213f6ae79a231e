"""Build an unsent .eml draft (RFC 5322, UTF-8) from a rendered email template."""

from __future__ import annotations

from typing import Any

from ..names import plain_name


def build_eml(ctx: dict[str, Any], paragraphs: list[str]) -> bytes:
    """Return an unsent email draft (RFC 5322, UTF-8) built from the rendered email template."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP

    subject = ctx["subject"]
    body: list[str] = []
    for text in paragraphs:
        if not body and not text.strip():
            continue
        if not body and text.lower().startswith("subject:"):
            subject = text.split(":", 1)[1].strip() or subject
            continue
        body.append(text.strip())
    while body and not body[-1]:
        body.pop()
    text = "\n\n".join(p for p in body if p) + "\n"
    msg = EmailMessage(policy=SMTP)
    if ctx["recipient_email"]:
        person = plain_name(ctx["recipient_first_name"], ctx["recipient_last_name"])
        msg["To"] = _address(Address, person, ctx["recipient_email"])
    if ctx["sender_email"]:
        msg["From"] = _address(Address, ctx["sender_name"], ctx["sender_email"])
    msg["Subject"] = " ".join(subject.split())
    msg["X-Unsent"] = "1"  # Outlook and others open it as a draft to edit and send
    msg.set_content(text, charset="utf-8")
    return msg.as_bytes()


def _address(address_cls: Any, name: str, email: str) -> Any:
    try:
        if "@" in email:
            user, domain = email.rsplit("@", 1)
            return address_cls(display_name=name, username=user, domain=domain)
    except (ValueError, TypeError):
        pass
    return email
