"""Forms of data entry: one per leaf, shaped by its scoring rule; numbers accept the decimal comma."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from dti_portal.formatting import parse_number
from indicators.models import Node
from indicators.rules import Rule

from .services import AnswerInput


class NumberField(forms.CharField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return parse_number(str(value or ""))


class AnswerForm(forms.Form):
    """The inputs of one leaf; `given()` turns them into the service's AnswerInput."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    explanation = forms.CharField(label=_("Giải thích"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, node: Node, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        rule = node.rule
        if rule == Rule.BOOLEAN:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Trả lời"),
                choices=[("", "—"), ("1", _("Có")), ("0", _("Không"))],
                coerce=Decimal,
                empty_value=None,
                required=False,
            )
        elif rule == Rule.RATIO:
            self.fields["numerator"] = NumberField(label=_("Tử số"), required=False)
            self.fields["denominator"] = NumberField(label=_("Mẫu số"), required=False)
        elif rule == Rule.LEVELS:
            levels = [(level["label"], level["label"]) for level in node.parameters.get("levels", [])]
            self.fields["choice"] = forms.ChoiceField(label=_("Mức"), choices=[("", "—"), *levels], required=False)
        else:
            label = {Rule.PERCENTAGE: _("Tỷ lệ (%)"), Rule.COUNT: _("Số lượng"), Rule.MANUAL: _("Điểm tự đánh giá")}
            self.fields["value"] = NumberField(label=label.get(rule, _("Giá trị")), required=False)
        # The value comes first, the explanation after it, as a person reads the leaf.
        self.order_fields([name for name in self.fields if name != "explanation"])
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"{node.anchor}-{name}")

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
    file = forms.FileField(label=_("Tệp PDF"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=300, required=False)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=32)
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel đã điền (.xlsx)"))
    dry_run = forms.BooleanField(label=_("Chỉ xem trước, chưa lưu"), required=False, initial=True)
