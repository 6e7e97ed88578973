from django.conf import settings


def site(request):
    return {"site_name": settings.SITE_NAME, "search_query": request.GET.get("q", "")[:200]}
