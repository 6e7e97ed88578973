import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennisstad.settings")
application = get_wsgi_application()

# Only web server processes import this module: load the kennisloket's matcher in the background
# so the first asker does not wait ~10 s for the encoder and the project embeddings.
from kennisstad.loket.services import warm_up_matcher  # noqa: E402

warm_up_matcher()
