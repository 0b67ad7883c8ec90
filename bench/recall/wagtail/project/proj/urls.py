"""wagtail's URLs as the `wagtail start` project mounts them: the admin under /admin/, documents
under /documents/, page serving at the root. Django's own admin (`django-admin/`) and the
example search view are left out: they are not wagtail's code."""
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include(wagtail_urls)),
]
