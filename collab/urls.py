"""Operations endpoints: `path("", include("collab.urls"))` gives /healthz and /metrics."""

from django.urls import path

from collab import ops_views

urlpatterns = [
    path("healthz", ops_views.healthz, name="collab-healthz"),
    path("metrics", ops_views.metrics, name="collab-metrics"),
]
