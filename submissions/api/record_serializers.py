"""The shapes of a submission's records in the API: its files, the unit's replies, comments and history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from common.templatetags.portal import person
from common.text import PlainTextSerializerField
from submissions.models import Answer, Event


def _name(user: User | None) -> str | None:
    """A person as the pages name them: the full name, else the account name; None for the system."""
    return None if user is None else person(user)


class ReplyInputSerializer(serializers.Serializer):
    reply = PlainTextSerializerField(max_length=10000, help_text="Giải trình của đơn vị cho chỉ số bị điều chỉnh "
                                     "hoặc được đề nghị giải trình.")  # fmt: skip


class ReplySerializer(serializers.Serializer):
    explanation_reply = serializers.CharField()
    replied_by = serializers.SerializerMethodField()
    replied_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_replied_by(self, answer: Answer) -> str | None:
        return _name(answer.replied_by)


class CommentInputSerializer(serializers.Serializer):
    text = PlainTextSerializerField(max_length=5000)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.SerializerMethodField(help_text="Họ tên, hoặc tên đăng nhập khi không có họ tên.")
    author_username = serializers.CharField(source="actor.username", allow_null=True)
    organisation = serializers.CharField(
        source="actor.organisation.code", allow_null=True, help_text="Mã tổ chức của người viết."
    )
    at = serializers.DateTimeField()
    text = serializers.CharField(source="comment")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, event: Event) -> str | None:
        return _name(event.actor)


class EventSerializer(serializers.Serializer):
    """One row of the history: a change of an answer, a file, a step, a comment, an appraisal decision."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(help_text="Họ tên, hoặc tên đăng nhập; null khi hệ thống thực hiện.")
    actor_username = serializers.CharField(source="actor.username", allow_null=True)
    leaf = serializers.CharField(
        source="answer.node.key", allow_null=True, help_text="Khóa của chỉ số; null với bước của cả hồ sơ."
    )
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    old = serializers.DictField(help_text="Giá trị trước thay đổi (trống nếu không có).")
    new = serializers.DictField(help_text="Giá trị sau thay đổi, hoặc bước đã thực hiện.")
    comment = serializers.CharField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: Event) -> str | None:
        return _name(event.actor)
