from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.generic import FormView, View
from django.views.generic.detail import SingleObjectMixin

from .. import services
from ..services import AlreadySubmitted
from ..states import DomainError


class ActionView(LoginRequiredMixin, SingleObjectMixin, View):
    """A state change that cannot be undone: GET asks, POST acts.

    GET shows a confirmation page (`template_name`) saying what will happen, whose form
    POSTs back to the same URL; it changes nothing. When the rules refuse the action now,
    GET says why on the object's page instead. POST calls one service, says what happened
    and goes back.
    """

    http_method_names = ["get", "post"]
    action = ""  # the transition-table action this view takes
    template_name = ""
    success_message = ""

    def act(self, obj) -> None:
        raise NotImplementedError

    def refusal(self, obj) -> str | None:
        """Why the user may not take this action now, or None."""
        return obj.refusal(self.action, self.request.user)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if reason := self.refusal(self.object):
            messages.error(request, reason)
            return HttpResponseRedirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            self.act(self.object)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class SubmittedOnceMixin:
    """Views whose form creates something: the same rendered form submitted twice creates
    one thing, and the second submission is shown the first one's result."""

    def submit_once(self, form, create, url_of):
        """Run `create` via services.submit_once; raise AlreadySubmitted on a replay."""
        return services.submit_once(
            token=form.cleaned_data.get("submission"),
            by=self.request.user,
            create=create,
            url_of=url_of,
        )

    def already_submitted(self, done: AlreadySubmitted, fallback: str):
        messages.info(
            self.request, "This was already posted: the same form was sent twice. Here it is."
        )
        return HttpResponseRedirect(done.url or fallback)


class ServiceFormView(LoginRequiredMixin, SubmittedOnceMixin, SingleObjectMixin, FormView):
    """A form about one object whose valid submission calls one service.

    A refusal from the rules shows as a form error, and the user's input stays on the page.
    """

    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def act(self, form):
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def form_valid(self, form):
        def create():
            self.result = self.act(form)
            return self.result

        try:
            self.submit_once(form, create, url_of=lambda result: self.get_success_url())
        except AlreadySubmitted as done:
            return self.already_submitted(done, self.object.get_absolute_url())
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def get_success_message(self) -> str:
        return self.success_message


class CountedPaginator(Paginator):
    """A paginator told how many objects there are, so it does not COUNT them itself."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
