from django.contrib.auth import views as auth_views
from django.urls import path

from . import email_views, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.ProfileEditView.as_view(), name="profile_edit"),
    path(
        "accounts/password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/email/", email_views.EmailChangeView.as_view(), name="email_change"),
    path(
        "accounts/email/confirm/<str:token>/",
        email_views.EmailConfirmView.as_view(),
        name="email_confirm",
    ),
    path(
        "accounts/email/resend/",
        email_views.EmailVerifyResendView.as_view(),
        name="email_verify_resend",
    ),
    path(
        "accounts/two-factor/setup/",
        two_factor_views.TwoFactorSetupView.as_view(),
        name="two_factor_setup",
    ),
    path(
        "accounts/two-factor/",
        two_factor_views.TwoFactorVerifyView.as_view(),
        name="two_factor_verify",
    ),
    path("u/<str:username>/", views.ProfileView.as_view(), name="profile"),
    path("accounts/data/", views.DataExportView.as_view(), name="data_export"),
    path("accounts/data/download/", views.DataDownloadView.as_view(), name="data_export_download"),
    path("accounts/delete/", views.AccountDeleteView.as_view(), name="delete"),
]
