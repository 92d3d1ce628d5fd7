from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        # The OpenAPI auth extension; the write watch that invalidates cached public reads.
        from api import receivers, schema  # noqa: F401
