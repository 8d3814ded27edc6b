"""Documents and notes on a case: evidence files (checked by size and content, stored outside the
web root) and comments, answers and payment reports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.complaints import conf, validation
from qingqian.complaints.choices import EvidenceKind, NoteKind
from qingqian.complaints.models import CaseNote, Complaint, Evidence
from qingqian.complaints.services import parties as P
from qingqian.complaints.services.common import tell
from qingqian.complaints.transitions import COHANDLER, COMPLAINANT, HANDLER, OFFICE, RESPONDENT
from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import grants_of


def _check_files(files: list[Any] | None) -> None:
    """Check attachments before anything is written (a bad file refuses the whole filing)."""
    if not files:
        return
    if len(files) > 20:
        raise InvalidInput(_("一次最多上传20个文件。"), fields={"files": [_("一次最多上传20个文件。")]})
    e = validation.Errors()
    for f in files:
        validation.uploaded_file(e, "files", f, max_bytes=conf.max_upload_bytes())
    e.raise_if_any()


@transaction.atomic
def evidence_add(
    *, actor: Any, complaint: Complaint, files: list[Any], kind: str = EvidenceKind.EVIDENCE
) -> list[Evidence]:
    """Attach files (checked by size and content, stored under MEDIA_ROOT with random names)."""
    parties = P.parties_of(actor, complaint) if actor is not None else {OFFICE}
    if not parties & {OFFICE, HANDLER, COMPLAINANT, RESPONDENT, COHANDLER}:
        raise NotPermitted()
    if complaint.status in ("closed", "withdrawn", "terminated", "not_accepted"):
        raise InvalidInput(_("已结束的投诉不能再上传材料。"), code="closed")
    if kind not in EvidenceKind.values:
        raise InvalidInput(_("材料类别无效。"), fields={"kind": [_("材料类别无效。")]})
    if not files:
        raise InvalidInput(_("请选择要上传的文件。"), fields={"files": [_("请选择要上传的文件。")]})
    if len(files) > 20:
        raise InvalidInput(_("一次最多上传20个文件。"), fields={"files": [_("一次最多上传20个文件。")]})
    e = validation.Errors()
    checked = [validation.uploaded_file(e, "files", f, max_bytes=conf.max_upload_bytes()) for f in files]
    e.raise_if_any()
    user = actor if getattr(actor, "is_authenticated", False) else None
    saved = []
    for f, c in zip(files, checked, strict=True):
        assert c is not None
        ev = Evidence(
            complaint=complaint,
            kind=kind,
            original_name=c.name,
            content_type=c.kind.content_type,
            size=c.size,
            sha256=c.sha256,
            uploaded_by=user,
        )
        ev.file.save(c.name, f, save=False)
        ev.save()
        saved.append(ev)
    record_event(
        actor=actor,
        action="complaints.case.evidence_added",
        obj=complaint,
        data={
            "files": [{"id": ev.pk, "name": ev.original_name, "sha256": ev.sha256} for ev in saved],
            "explain": "、".join(ev.original_name for ev in saved),
        },
    )
    return saved


NOTE_PARTIES: dict[str, set[str]] = {
    NoteKind.COMMENT: {OFFICE, HANDLER, COHANDLER},
    NoteKind.ANSWER: {RESPONDENT},
    NoteKind.PAYMENT_REPORT: {RESPONDENT, HANDLER},
    NoteKind.MATERIAL: {COMPLAINANT, OFFICE},
}


@transaction.atomic
def note_add(*, actor: Any, complaint: Complaint, kind: str, text: str, amount: Any = None) -> CaseNote:
    """A comment (office, handler, co-handler), the respondent's answer or payment report."""
    parties = P.parties_of(actor, complaint)
    if not parties & set().union(*NOTE_PARTIES.values()):
        raise NotPermitted()
    if kind not in NOTE_PARTIES:
        raise InvalidInput(_("意见类别无效。"), fields={"kind": [_("意见类别无效。")]})
    if not parties & NOTE_PARTIES[kind]:
        raise NotPermitted()
    if complaint.status in ("closed", "withdrawn", "terminated", "not_accepted"):
        raise InvalidInput(_("已结束的投诉不能再添加意见。"), code="closed")
    e = validation.Errors()
    clean = validation.text(e, "text", text, label=_("内容"), max_length=5000, multiline=True)
    value = None
    if kind == NoteKind.PAYMENT_REPORT:
        value = validation.money(e, "amount", amount, label=_("付款金额"))
    e.raise_if_any()
    org_id = next(
        (g.organisation_id for g in grants_of(actor) if g.organisation_id),
        None,
    )
    note = CaseNote.objects.create(
        complaint=complaint, kind=kind, text=clean, amount=value, author=actor, organisation_id=org_id
    )
    record_event(
        actor=actor,
        action=f"complaints.case.note_{kind}",
        obj=complaint,
        data={"explain": clean[:200], "amount": value},
    )
    if kind in (NoteKind.ANSWER, NoteKind.PAYMENT_REPORT):
        tell(
            list(P.office_users(complaint)) + list(P.handler_users(complaint)),
            complaint,
            topic=f"complaints.case.note_{kind}",
            subject=_("被投诉单位报送了%(kind)s") % {"kind": NoteKind(kind).label},
            body=clean[:500],
        )
    return note
