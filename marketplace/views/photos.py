from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from .. import services
from ..models import Task, TaskPhoto
from ..photo_forms import TaskPhotoFormSet
from ..states import DomainError
from .base import ActionView


class TaskPhotosView(LoginRequiredMixin, View):
    """The owner's page for a task's photos: describe each (its alt text), order them,
    and links to remove one. Photos are added in the task's own form."""

    template_name = "marketplace/task_photos.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.task = get_object_or_404(Task, pk=kwargs["pk"], customer=request.user)
        if reason := self.task.refusal("edit", request.user):
            messages.error(request, reason)
            return redirect(self.task)
        return super().dispatch(request, *args, **kwargs)

    def formset(self, data=None):
        photos = self.task.photos.select_related("task")
        formset = TaskPhotoFormSet(data, queryset=photos, prefix="photos")
        for number, form in enumerate(formset.forms, start=1):
            form.instance._number = number
        return formset

    def render_page(self, formset):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={"task": self.task, "formset": formset},
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(self.formset())

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_page(formset)
        try:
            services.photos_update(task=self.task, by=request.user, formset=formset)
        except DomainError as error:
            messages.error(request, str(error))
            return self.render_page(formset)
        messages.success(request, "Your photos were saved.")
        return HttpResponseRedirect(self.task.get_absolute_url())


class PhotoDeleteView(ActionView):
    template_name = "marketplace/confirm_photo_delete.html"
    success_message = "The photo was removed."

    def get_queryset(self):
        return TaskPhoto.objects.filter(task__customer=self.request.user).select_related("task")

    def refusal(self, photo):
        return photo.task.refusal("edit", self.request.user)

    def get_success_url(self) -> str:
        return reverse("marketplace:task_photos", args=[self.object.task_id])

    def act(self, photo):
        services.photo_delete(photo=photo, by=self.request.user)
