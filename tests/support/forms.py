"""Read a form from a page as a browser would submit it unchanged: every field's current value."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append([attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")])
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = [attrs["name"], None]
        elif tag == "option" and self.select is not None and ("selected" in attrs or self.select[1] is None):
            self.select[1] = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # Browsers submit a textarea's line breaks as CRLF.
            text = self.textarea[1][1:] if self.textarea[1].startswith("\n") else self.textarea[1]
            self.fields.append([self.textarea[0], text.replace("\r\n", "\n").replace("\n", "\r\n")])
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.fields.append([self.select[0], self.select[1] or ""])
            self.select = None


def form_fields(page, form_id):
    """[(name, value)] of the form with that id, as submitting it untouched would send them."""
    reader = FormReader(form_id)
    reader.feed(page)
    return [tuple(field) for field in reader.fields]
