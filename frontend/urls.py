from django.urls import path

from frontend import views

app_name = "collab"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("d/<str:key>/", views.document_editor, name="editor"),
    path("d/<str:key>/rename/", views.document_rename, name="rename"),
    path("d/<str:key>/delete/", views.document_delete, name="delete"),
    path("d/<str:key>/share/", views.document_share, name="share"),
]
