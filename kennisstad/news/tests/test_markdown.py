import pytest

from kennisstad.news.markdown import plain_text, render_markdown


def test_it_renders_the_allowed_markdown():
    html = render_markdown(
        "## Kop\n\nEen **vette** en *schuine* tekst.\n\n- een\n- twee\n\n> citaat\n\n`code`"
    )

    assert "<h2>Kop</h2>" in html
    assert "<strong>vette</strong>" in html and "<em>schuine</em>" in html
    assert "<ul>" in html and "<li>een</li>" in html
    assert "<blockquote>" in html and "<code>code</code>" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://a.nl" onclick="alert(1)">klik</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<div style="position:fixed">over de pagina</div>',
    ],
)
def test_it_shows_raw_html_as_text(hostile):
    html = render_markdown(f"Tekst {hostile} meer")

    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<div" not in html
    assert "&lt;" in html  # the markup is shown, escaped, not dropped silently


@pytest.mark.parametrize(
    "link",
    [
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](vbscript:msgbox(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
    ],
)
def test_it_drops_script_links(link):
    html = render_markdown(link)

    assert "href=" not in html  # the text stays; no link is made


def test_only_the_allowed_url_schemes_stay_links():
    html = render_markdown("[bestand](ftp://example.org/a) en [mail](mailto:loket@example.org)")

    assert 'href="ftp:' not in html
    assert 'href="mailto:loket@example.org"' in html


def test_links_get_noopener_nofollow():
    html = render_markdown("[Gemeente](https://www.leiden.nl)")

    assert html == '<p><a href="https://www.leiden.nl" rel="noopener nofollow">Gemeente</a></p>\n'


def test_a_first_level_heading_becomes_the_second_level():
    assert "<h1>" not in render_markdown("# Titel") and "<h2>Titel</h2>" in render_markdown("# Titel")
    assert "<h4>Diep</h4>" in render_markdown("###### Diep")


def test_images_are_not_allowed_in_the_text():
    assert "<img" not in render_markdown("![plaatje](https://evil.example/track.png)")


def test_plain_text_has_no_markup():
    assert plain_text("**Vet** & <b>zo</b>") == "Vet & <b>zo</b>"
