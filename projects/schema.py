"""OpenAPI extensions for the projects API."""
from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent

from projects.models import Project


class ProjectStatusFieldExtension(OpenApiSerializerFieldExtension):
    """Documents the project status as its own `ProjectStatusEnum` component.

    Left to drf-spectacular, every app's `status` field competes for the name `StatusEnum`
    and the loser gets a hashed name plus a generation warning.
    """

    target_class = "projects.apis.ProjectStatusField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name="ProjectStatusEnum",
            type=ResolvedComponent.SCHEMA,
            object="ProjectStatusEnum",
            schema={
                "type": "string",
                "enum": list(Project.Status.values),
                "description": "`active` ⇄ `archived`; any other transition is a 409.",
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
