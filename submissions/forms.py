"""Forms of data entry: one per leaf, shaped by its scoring rule; numbers accept the decimal comma.

Every free-text input is a `PlainTextField`: line endings read as LF, control and bidi characters
refused with a message naming them (`common.text`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from accounts.models import User
from common.formatting import format_number, parse_number
from common.text import PlainTextField
from indicators.models import Node
from indicators.rules import Rule
from submissions.models import Answer, SubmissionState
from submissions.services.entry import AnswerInput


class NumberField(forms.CharField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return parse_number(str(value or ""))


def value_fields(node: Node, *, manual_label: str) -> dict[str, forms.Field]:
    """The inputs a leaf's value takes, by its scoring rule."""
    rule = node.rule
    if rule == Rule.BOOLEAN:
        return {
            "value": forms.TypedChoiceField(
                label=_("Trả lời"),
                choices=[("", "—"), ("1", _("Có")), ("0", _("Không"))],
                coerce=Decimal,
                empty_value=None,
                required=False,
            )
        }
    if rule == Rule.RATIO:
        return {
            "numerator": NumberField(label=_("Tử số"), required=False),
            "denominator": NumberField(label=_("Mẫu số"), required=False),
        }
    if rule == Rule.LEVELS:
        levels = [(level["label"], level["label"]) for level in node.parameters.get("levels", [])]
        return {"choice": forms.ChoiceField(label=_("Mức"), choices=[("", "—"), *levels], required=False)}
    labels: dict[str, StrOrPromise] = {
        Rule.PERCENTAGE: _("Tỷ lệ (%)"),
        Rule.COUNT: _("Số lượng"),
        Rule.MANUAL: manual_label,
    }
    return {"value": NumberField(label=labels.get(rule, _("Giá trị")), required=False)}


class AnswerForm(forms.Form):
    """The inputs of one leaf; `given()` turns them into the service's AnswerInput."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    explanation = PlainTextField(label=_("Giải thích"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Set by the save view for the leaf's card: saved just now, or refused because someone saved first.
    saved = False
    stale = ""

    def __init__(self, *args: Any, node: Node, form_id: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", node.anchor)
        super().__init__(*args, **kwargs)
        self.node = node
        self.fields.update(value_fields(node, manual_label=_("Điểm tự đánh giá")))
        # The value comes first, the explanation after it, as a person reads the leaf.
        self.order_fields([name for name in self.fields if name != "explanation"])
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"{node.anchor}-{name}")
            if form_id:
                # The inputs sit in the leaf's card but belong to the section's one form ("Lưu tất cả").
                field.widget.attrs["form"] = form_id

    @classmethod
    def of(cls, answer: Answer, *, form_id: str = "") -> AnswerForm:
        """The unbound form showing what the answer holds now, in the person's number format."""

        def text(value: Decimal | None) -> str:
            return "" if value is None else format_number(value)

        is_boolean = answer.node.rule == Rule.BOOLEAN
        initial = {
            "version": answer.version,
            "value": ("" if answer.value is None else str(int(answer.value))) if is_boolean else text(answer.value),
            "numerator": text(answer.numerator),
            "denominator": text(answer.denominator),
            "choice": answer.choice,
            "explanation": answer.explanation,
        }
        return cls(node=answer.node, initial=initial, form_id=form_id)

    def given(self) -> AnswerInput:
        data = self.cleaned_data
        values = [data[name] for name in ("value", "numerator", "denominator") if name in data]
        choice = data.get("choice")
        # Emptying the inputs clears the answer (a leaf is then scored 0, the method's default).
        nothing_given = all(value is None for value in values) and not choice
        return AnswerInput(
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            choice=choice,
            explanation=data.get("explanation", ""),
            clear_value=nothing_given,
        )


class EvidenceForm(forms.Form):
    # Whatever is wrong with the file itself (none sent, empty), the person's next step is the same.
    file = forms.FileField(
        label=_("Tệp PDF"),
        error_messages=dict.fromkeys(
            ("required", "invalid", "missing", "empty"), gettext_lazy("Chọn một tệp PDF để tải lên.")
        ),
    )
    # The file's own name needs no check: Django's upload parser drops its non-printable characters.
    title = PlainTextField(label=_("Tiêu đề"), max_length=300, required=False)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=32)
    # The state the person saw: a step on a submission that has moved on since is refused, never applied.
    from_state = forms.ChoiceField(choices=SubmissionState.choices, widget=forms.HiddenInput)
    comment = PlainTextField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = PlainTextField(
        label=_("Ý kiến"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": gettext_lazy("Ý kiến không được để trống.")},
    )


# A filled template of the largest framework is well under 1 MB; a previewed file is kept in the
# database until it is applied, so nothing much larger is taken.
WORKBOOK_MAX_MB = 10


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel đã điền (.xlsx)"))
    dry_run = forms.BooleanField(label=_("Chỉ xem trước, chưa lưu"), required=False, initial=True)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > WORKBOOK_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa %(limit)s MB.") % {"limit": WORKBOOK_MAX_MB})
        return upload


class AppraisalForm(forms.Form):
    """An appraiser's decision on one leaf: accept, adjust (new value + reason) or ask a question.

    After the explanation round the same form settles a contested leaf: keep or revise.
    """

    review_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    decision = forms.ChoiceField(label=_("Kết luận"), widget=forms.RadioSelect)
    reason = PlainTextField(
        label=_("Lý do / câu hỏi"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, node: Node, decisions: list[tuple[str, StrOrPromise]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = decisions
        for name, field in value_fields(node, manual_label=_("Điểm")).items():
            field.label = _("Giá trị điều chỉnh: %(label)s") % {"label": field.label}
            self.fields[name] = field
        self.order_fields(["review_version", "decision", *VALUE_NAMES, "reason"])
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"{node.anchor}-appraisal-{name}")

    def given(self) -> AnswerInput:
        data = self.cleaned_data
        return AnswerInput(
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            choice=data.get("choice") or None,
        )


VALUE_NAMES = ["value", "numerator", "denominator", "choice"]


class AuthorityValueForm(forms.Form):
    """One authority-sourced value of one unit."""

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        self.fields.update(value_fields(node, manual_label=_("Điểm")))
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"{node.anchor}-authority-{name}")

    def given(self) -> AnswerInput:
        data = self.cleaned_data
        return AnswerInput(value=data.get("value"), numerator=data.get("numerator"),
                           denominator=data.get("denominator"), choice=data.get("choice"))  # fmt: skip


class ReplyForm(forms.Form):
    reply = PlainTextField(
        label=_("Giải trình"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Nội dung giải trình không được để trống.")},
    )


class AuthoritySheetForm(forms.Form):
    file = forms.FileField(label=_("Tệp số liệu (.xlsx hoặc .csv)"))
    dry_run = forms.BooleanField(label=_("Chỉ xem trước, chưa lưu"), required=False, initial=True)


class ExclusionForm(forms.Form):
    node = forms.IntegerField(widget=forms.HiddenInput)
    reason = PlainTextField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Phải nêu lý do loại chỉ số.")},
    )


class AssignmentForm(forms.Form):
    submissions = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    appraiser = forms.TypedChoiceField(label=_("Cán bộ thẩm định"), coerce=int, choices=[], empty_value=None,
                                       required=False)  # fmt: skip

    def set_choices(self, *, submissions: Iterable[int], appraisers: Iterable[User]) -> None:
        """The submissions that may be assigned and the appraisers they may be given to."""
        chosen, appraiser = self.fields["submissions"], self.fields["appraiser"]
        assert isinstance(chosen, forms.ChoiceField)
        assert isinstance(appraiser, forms.ChoiceField)
        chosen.choices = [(pk, pk) for pk in submissions]
        appraiser.choices = [("", "—"), *((person.pk, person.username) for person in appraisers)]
