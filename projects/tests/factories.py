from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from projects.models import Project, WebhookDelivery


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    description = "An API under test"
    repository_url = ""
    repository_branch = "main"
    target_base_url = "https://api.example.com"
    coverage_threshold = 80
    status = Project.Status.ACTIVE


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    provider = Project.WebhookProvider.GITHUB
    delivery_id = factory.Sequence(lambda n: f"delivery-{n}")
    project = factory.SubFactory(ProjectFactory)
    event = "push"
    branch = "main"
    outcome = WebhookDelivery.Outcome.TRIGGERED
