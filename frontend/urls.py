from django.urls import path

from frontend import history_views, views

app_name = "collab"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("d/<str:key>/", views.document_editor, name="editor"),
    path("d/<str:key>/rename/", views.document_rename, name="rename"),
    path("d/<str:key>/delete/", views.document_delete, name="delete"),
    path("d/<str:key>/share/", views.document_share, name="share"),
    path("d/<str:key>/history/", history_views.history, name="history"),
    path("d/<str:key>/history/<int:version>.json", history_views.history_at, name="history-at"),
    path("d/<str:key>/history/restore/", history_views.restore, name="restore"),
]
