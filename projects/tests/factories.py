from __future__ import annotations

import factory

from accounts.tests.factories import UserFactory
from projects.models import Project, WebhookDelivery

__all__ = ["ProjectFactory", "UserFactory", "WebhookDeliveryFactory"]


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
