from django.urls import path

from frontend import views

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("d/<str:key>/", views.document_editor, name="document-editor"),
    path("d/<str:key>/rename/", views.document_rename, name="document-rename"),
    path("d/<str:key>/delete/", views.document_delete, name="document-delete"),
    path("d/<str:key>/share/", views.document_share, name="document-share"),
]
