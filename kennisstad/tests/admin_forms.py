"""Posting an admin change form back the way a browser would."""


def admin_form_data(response) -> dict:
    """What the browser would send back for an admin change form as rendered (typed values included)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data
