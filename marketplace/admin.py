from django import forms
from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from accounts.admin_site import ask_first
from tasker.validators import single_line

from . import services
from .models import (
    Agreement,
    Bid,
    BidRevision,
    Category,
    Conversation,
    Message,
    Notification,
    Question,
    Report,
    Review,
    Task,
    TaskEvent,
    TaskPhoto,
)
from .states import DomainError


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        help_text="The author sees this reason next to the hidden content.",
        validators=[single_line],
    )


class ModerationActionsMixin:
    """Hide / unhide actions for moderated content, each logged and on the task timeline."""

    actions = ["hide_selected", "unhide_selected"]

    def get_readonly_fields(self, request, obj=None):
        # Moderators hide content with a reason; they do not rewrite it in its author's name
        # (a message's words, a review's rating, a task's price). Superusers still can.
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        editable = (f.name for f in self.model._meta.concrete_fields if f.editable)
        return readonly + tuple(name for name in editable if name not in readonly)

    @admin.action(description="Hide selected (asks for a reason)", permissions=["change"])
    def hide_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            title = f"Hide {queryset.count()} {self.model._meta.verbose_name_plural}"
            return ask_first(self, request, queryset, form, title=title, action="hide_selected")
        reason = form.cleaned_data["reason"]
        for obj in queryset:
            services.content_hide(obj=obj, by=request.user, reason=reason)
            self.log_change(request, obj, f"Hidden: {reason}")
        self.message_user(request, f"Hid {len(queryset)} item(s).", messages.SUCCESS)
        return None

    @admin.action(description="Unhide selected", permissions=["change"])
    def unhide_selected(self, request, queryset):
        for obj in queryset:
            services.content_unhide(obj=obj, by=request.user)
            self.log_change(request, obj, "Shown again")
        self.message_user(request, f"Showed {len(queryset)} item(s) again.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "description")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class BidInline(admin.TabularInline):
    model = Bid
    extra = 0
    fields = ("tasker", "amount", "status", "created_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(ModerationActionsMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "customer",
        "category",
        "budget",
        "city",
        "status",
        "is_hidden",
        "created_at",
    )
    list_filter = ("status", "is_hidden", "category", "is_remote")
    list_select_related = ("customer", "category")
    search_fields = ("title", "description", "city", "customer__username", "customer__email")
    date_hierarchy = "created_at"
    autocomplete_fields = ("customer", "reposted_from")
    readonly_fields = ("status", "created_at", "updated_at", "is_hidden", "hidden_reason")
    inlines = [BidInline, TaskEventInline]


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("task", "tasker", "amount", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("task", "tasker")
    search_fields = ("task__title", "tasker__username", "message")
    date_hierarchy = "created_at"
    # Who bid on what, and for how much, is the tasker's to say (and kept in BidRevision).
    readonly_fields = ("task", "tasker", "amount", "status", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False  # taskers bid on the site, through services.bid_place


@admin.register(BidRevision)
class BidRevisionAdmin(admin.ModelAdmin):
    list_display = ("bid", "old_amount", "new_amount", "created_at")
    list_select_related = ("bid", "bid__task")
    autocomplete_fields = ("bid",)
    readonly_fields = ("created_at",)


class ReviewInline(admin.StackedInline):
    model = Review
    extra = 0
    fields = (
        "author",
        "subject",
        "rating",
        "comment",
        "published_at",
        "is_hidden",
        "hidden_reason",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("title", "customer", "tasker", "price", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("customer", "tasker")
    search_fields = ("title", "customer__username", "tasker__username")
    date_hierarchy = "created_at"
    # The terms were agreed by both parties when the bid was accepted: nobody rewrites them.
    readonly_fields = (
        "task",
        "bid",
        "customer",
        "tasker",
        "price",
        "status",
        "created_at",
        "delivered_at",
        "completed_at",
        "cancelled_at",
        "cancelled_by",
        "cancellation_reason",
    )
    inlines = [ReviewInline]

    def has_add_permission(self, request) -> bool:
        return False  # an agreement comes only from accepting a bid (services.bid_accept)


@admin.register(Review)
class ReviewAdmin(ModerationActionsMixin, admin.ModelAdmin):
    list_display = ("agreement", "author", "subject", "rating", "published_at", "is_hidden")
    list_filter = ("rating", "is_hidden")
    list_select_related = ("agreement", "author", "subject")
    search_fields = ("comment", "author__username", "subject__username")
    date_hierarchy = "created_at"
    autocomplete_fields = ("agreement", "author", "subject")
    readonly_fields = ("created_at", "published_at", "is_hidden", "hidden_reason")


@admin.register(TaskEvent)
class TaskEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task", "kind", "actor", "from_status", "to_status")
    list_filter = ("kind",)
    list_select_related = ("task", "actor")
    search_fields = ("task__title", "note")
    date_hierarchy = "created_at"

    # The timeline is the record of what happened: the services write it, nobody edits it.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReportStatusFilter(admin.SimpleListFilter):
    """Status filter that opens on the open reports: the moderators' queue."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Report.Status.choices, ("all", "All")]

    def queryset(self, request, queryset):
        value = self.value() or Report.Status.OPEN
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or Report.Status.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class CloseReportForm(forms.Form):
    note = forms.CharField(
        max_length=2000, help_text="What you did, for the record (the reporter does not see it)."
    )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "reported", "reason", "reporter", "status")
    list_filter = (ReportStatusFilter, "kind", "reason")
    list_select_related = ("reporter",)
    search_fields = ("details", "reporter__username")
    date_hierarchy = "created_at"
    autocomplete_fields = ("reporter", "resolved_by")
    readonly_fields = (
        "reporter",
        "kind",
        "object_id",
        "reported",
        "created_at",
        "resolved_by",
        "resolved_at",
        "status",
    )
    fields = (
        "reporter",
        "kind",
        "object_id",
        "reported",
        "reason",
        "details",
        "status",
        "resolution_note",
        "resolved_by",
        "resolved_at",
        "created_at",
    )
    actions = ["resolve_selected", "dismiss_selected"]

    @admin.display(description="Reported")
    def reported(self, report: Report) -> str:
        model = {Report.Kind.USER: "accounts_user", Report.Kind.PHOTO: "marketplace_taskphoto"}.get(
            report.kind, f"marketplace_{report.kind}"
        )
        try:
            url = reverse(f"admin:{model}_change", args=[report.object_id])
        except NoReverseMatch:
            return f"{report.get_kind_display()} #{report.object_id}"
        return format_html(
            '<a href="{}">{} #{}</a>', url, report.get_kind_display(), report.object_id
        )

    def _close(self, request, queryset, status: str, verb: str):
        form = CloseReportForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            title = f"{verb.title()} {queryset.count()} report(s)"
            return ask_first(self, request, queryset, form, title=title, action=f"{verb}_selected")
        closed = 0
        for report in queryset:
            try:
                services.report_close(
                    report=report, by=request.user, status=status, note=form.cleaned_data["note"]
                )
            except DomainError as error:
                self.message_user(request, f"Report #{report.pk}: {error}", messages.WARNING)
                continue
            self.log_change(request, report, f"{verb.title()}d: {form.cleaned_data['note']}")
            closed += 1
        self.message_user(request, f"{verb.title()}d {closed} report(s).", messages.SUCCESS)
        return None

    @admin.action(description="Resolve selected (asks for a note)", permissions=["change"])
    def resolve_selected(self, request, queryset):
        return self._close(request, queryset, Report.Status.RESOLVED, "resolve")

    @admin.action(description="Dismiss selected (asks for a note)", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        return self._close(request, queryset, Report.Status.DISMISSED, "dismiss")


# --- Messages and notifications ---


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("sender", "body", "created_at", "is_hidden", "hidden_reason")
    readonly_fields = fields  # hide messages with the Message admin's actions
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
class MessageAdmin(ModerationActionsMixin, admin.ModelAdmin):
    list_display = ("short_body", "sender", "conversation", "created_at", "is_hidden")
    list_select_related = ("sender", "conversation")
    list_filter = ("is_hidden",)
    search_fields = ("body", "sender__username", "sender__email")
    date_hierarchy = "created_at"
    raw_id_fields = ("conversation", "sender")
    readonly_fields = ("created_at", "is_hidden", "hidden_reason")

    @admin.display(description="message")
    def short_body(self, message: Message) -> str:
        return message.body[:80]


@admin.register(Question)
class QuestionAdmin(ModerationActionsMixin, admin.ModelAdmin):
    """Every public question, hidden ones too: the task page no longer shows those."""

    list_display = ("short_text", "asker", "task", "created_at", "answered_at", "is_hidden")
    list_select_related = ("asker", "task")
    list_filter = ("is_hidden",)
    search_fields = ("text", "answer", "asker__username", "asker__email")
    date_hierarchy = "created_at"
    raw_id_fields = ("task", "asker")
    readonly_fields = ("created_at", "answered_at", "is_hidden", "hidden_reason")

    @admin.display(description="question")
    def short_text(self, question: Question) -> str:
        return question.text[:80]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("text", "recipient", "kind", "is_read", "created_at")
    list_select_related = ("recipient",)
    list_filter = ("kind", "is_read")
    search_fields = ("text", "recipient__username", "recipient__email")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient",)


@admin.register(TaskPhoto)
class TaskPhotoAdmin(ModerationActionsMixin, admin.ModelAdmin):
    list_display = ("thumbnail", "description", "task", "position", "is_hidden", "created_at")
    list_filter = ("is_hidden",)
    list_select_related = ("task",)
    search_fields = ("description", "task__title")
    raw_id_fields = ("task",)
    readonly_fields = (
        "thumbnail",
        "image",
        "card_thumb",
        "gallery_thumb",
        "is_hidden",
        "hidden_reason",
        "created_at",
    )

    @admin.display(description="Photo")
    def thumbnail(self, photo: TaskPhoto) -> str:
        if photo.is_hidden:
            return "Hidden: the file is kept privately"
        return format_html(
            '<a href="{}"><img src="{}" width="120" height="90" alt="{}"></a>',
            photo.full_url,
            photo.card_url,
            photo.alt_text,
        )
