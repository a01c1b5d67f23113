from django import template

from collab.names import display_name as name_of

register = template.Library()


@register.filter
def display_name(user):
    """The user's name as everyone sees it (COLLAB["DISPLAY_NAME"])."""
    return name_of(user)
