from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from testgen.api.middleware import json_handler
from testgen.api.views import HealthApi

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/health", HealthApi.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/", include("accounts.urls")),
    path("api/", include("projects.urls")),
    path("api/", include("scanning.urls")),
    path("api/", include("generation.urls")),
    path("api/", include("execution.urls")),
    path("api/", include("healing.urls")),
    path("api/", include("analytics.urls")),
]

handler400 = json_handler(400)
handler403 = json_handler(403)
handler404 = json_handler(404)
handler500 = json_handler(500)
