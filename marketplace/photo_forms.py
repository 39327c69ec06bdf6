"""The photo fields of the task forms, and the form that describes and orders photos."""

from django import forms

from tasker.images import ACCEPT, HINT, CleanImage, clean_image

from .models import MAX_PHOTOS, TaskPhoto


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images chosen at once in one file input: each re-encoded (tasker.images)."""

    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return bool(data)

    def clean(self, data, initial=None) -> list[CleanImage]:
        uploads = [
            upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload
        ]
        if not uploads:
            return []
        errors, images = [], []
        for upload in uploads:
            try:
                images.append(clean_image(super().clean(upload, initial)))
            except forms.ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return images


class PhotosFieldMixin(forms.Form):
    """Adds `photos` to a task form: up to MAX_PHOTOS a task, counting those it has."""

    photos = MultipleImageField(
        required=False,
        label="Photos (optional)",
        help_text=f"Up to {MAX_PHOTOS} photos of the job; choose several at once. {HINT}",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if count := self.existing_photo_count():
            room = MAX_PHOTOS - count
            self.fields["photos"].help_text = (
                f"This task has {count} photo{'s' if count != 1 else ''}"
                + (f"; you can add {room} more. " if room else ", the most it can have. ")
                + HINT
            )

    def existing_photo_count(self) -> int:
        if not hasattr(self, "_photo_count"):
            task = getattr(self, "instance", None)
            self._photo_count = task.photos.count() if task is not None and task.pk else 0
        return self._photo_count

    def clean_photos(self) -> list[CleanImage]:
        images = self.cleaned_data["photos"]
        room = MAX_PHOTOS - self.existing_photo_count()
        if len(images) > room:
            raise forms.ValidationError(
                f"A task can have at most {MAX_PHOTOS} photos; "
                + (f"you can add {room} more." if room > 0 else "remove one to add another."),
                code="too_many_photos",
            )
        return images

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors and self.cleaned_data.get("photos") and "photos" not in self.errors:
            # A browser cannot keep chosen files when the page comes back with an error.
            self.add_error(
                "photos", "Choose the photos again: the page came back because of the errors above."
            )

    @property
    def task_changed_data(self) -> list[str]:
        """The task's own fields that changed (the photos are not a field of the task)."""
        return [name for name in self.changed_data if name not in ("photos", "submission")]


class TaskPhotoForm(forms.ModelForm):
    """One photo's description and place in the gallery, on the task's photos page."""

    class Meta:
        model = TaskPhoto
        fields = ("description", "position")
        labels = {"position": "Order"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = self.instance.number
        self.fields["description"].required = True
        self.fields["description"].label = f"Describe photo {number}"
        self.fields["description"].help_text = (
            "A few words on what it shows (“the wardrobe, flat-packed, 2 m tall”): people who "
            "cannot see the photo hear this."
        )
        self.fields["description"].error_messages["required"] = (
            f"Describe photo {number} in a few words."
        )
        self.fields["position"] = forms.TypedChoiceField(
            label=f"Place of photo {number}",
            choices=[(n, str(n + 1)) for n in range(MAX_PHOTOS)],
            coerce=int,
        )

    def clean_description(self) -> str:
        return " ".join(self.cleaned_data["description"].split())


class BaseTaskPhotoFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        # An id that is not one of this task's photos (another user's, or one removed
        # since the page was loaded) finds no photo: refuse rather than skip it silently.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise forms.ValidationError(
                "This photo is not one of this task's photos (it may have been removed "
                "since the page was loaded). Nothing was saved; reload the page.",
                code="not_this_tasks",
            )


TaskPhotoFormSet = forms.modelformset_factory(
    TaskPhoto,
    form=TaskPhotoForm,
    formset=BaseTaskPhotoFormSet,
    extra=0,
    max_num=MAX_PHOTOS,
    edit_only=True,
)
