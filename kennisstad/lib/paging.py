"""Page numbers and links for paged lists."""


def page_number(request, parameter: str = "pagina") -> int:
    try:
        return max(1, int(request.GET.get(parameter, "1")))
    except ValueError:
        return 1


def page_url(request, number: int, parameter: str = "pagina") -> str:
    """The current URL's query string with another page number, other parameters kept."""
    params = request.GET.copy()
    params[parameter] = str(number)
    return "?" + params.urlencode()
