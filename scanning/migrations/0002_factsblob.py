from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


def drop_cached_facts(apps, schema_editor) -> None:
    # The cache is disposable: emptying it costs one full parse on the next scan.
    apps.get_model("scanning", "FileFactsCache").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0001_initial"),
        ("scanning", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_cached_facts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="filefactscache", name="facts"),
        migrations.RemoveField(model_name="filefactscache", name="error"),
        migrations.CreateModel(
            name="FactsBlob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(help_text="sha256 of the canonical facts JSON and error.", max_length=64)),
                ("facts", models.JSONField(default=dict)),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="facts_blobs",
                                              to="projects.project")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("project", "digest"), name="scanning_factsblob_digest_unique"),
                ],
            },
        ),
        migrations.AddField(
            model_name="filefactscache",
            name="blob",
            field=models.ForeignKey(default=0, on_delete=django.db.models.deletion.CASCADE, related_name="keys",
                                    to="scanning.factsblob"),
            preserve_default=False,
        ),
    ]
