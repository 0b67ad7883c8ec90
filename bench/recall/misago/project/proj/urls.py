"""misago at the site's root, under its own `misago` namespace, which its views reverse."""
from django.urls import include, path

urlpatterns = [
    path("", include("misago.urls", namespace="misago")),
]
