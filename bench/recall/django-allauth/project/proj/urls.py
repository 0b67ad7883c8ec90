"""allauth's pages under /accounts/ and its headless (browser and app) API under /_allauth/."""
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
]
