from django.urls import path

from frontend import views

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("d/<str:key>/", views.document_editor, name="document-editor"),
]
