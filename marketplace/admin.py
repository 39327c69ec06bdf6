from django.contrib import admin

from .models import Conversation, Message, Notification


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("sender", "body", "created_at", "is_hidden", "hidden_reason")
    readonly_fields = ("sender", "body", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sender")

    def has_add_permission(self, request, obj=None) -> bool:
        # Staff moderate messages; they do not write them in someone's name.
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("pk", "user_a", "user_b", "task", "created_at", "last_message_at")
    list_select_related = ("user_a", "user_b", "task")
    search_fields = (
        "user_a__username",
        "user_a__email",
        "user_b__username",
        "user_b__email",
        "task__title",
    )
    date_hierarchy = "last_message_at"
    raw_id_fields = ("user_a", "user_b", "task")
    readonly_fields = ("created_at", "last_message_at", "a_read_at", "b_read_at")
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("short_body", "sender", "conversation", "created_at", "is_hidden")
    list_select_related = ("sender", "conversation")
    list_filter = ("is_hidden",)
    search_fields = ("body", "sender__username", "sender__email")
    date_hierarchy = "created_at"
    raw_id_fields = ("conversation", "sender")
    readonly_fields = ("created_at",)

    @admin.display(description="message")
    def short_body(self, message: Message) -> str:
        return message.body[:80]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("text", "recipient", "kind", "is_read", "created_at")
    list_select_related = ("recipient",)
    list_filter = ("kind", "is_read")
    search_fields = ("text", "recipient__username", "recipient__email")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient",)
